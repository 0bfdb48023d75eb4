"""Outside the contact centre's hours (CC-2: Mon–Fri 09:00–18:00, closed on public
holidays) the menu says so once, and asking for the operator gets the same notice and the
self-service menu instead of a transfer."""

from __future__ import annotations

from datetime import datetime

import pytest

from abonent.calls.ivr.demo import NODES, PHRASES
from abonent.calls.ivr.models import IvrSession
from abonent.calls.ivr.tests.conftest import ASTANA, Clock
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}
KK = {seed.code: seed.kk for seed in NODES}


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 3, 17, 19, 30), "18.03.2026"),  # Tuesday evening
        (datetime(2026, 3, 23, 10, 0), "26.03.2026"),  # Nauryz, a Monday
        (datetime(2026, 3, 15, 12, 0), "16.03.2026"),  # Sunday
    ],
)
def test_closed_is_said_and_the_operator_key_offers_self_service(
    pbx: FakePbx, clock: Clock, moment: datetime, day: str
) -> None:
    clock.set(moment.replace(tzinfo=ASTANA))
    pbx.dial()
    notice = PHRASES["closed"][0].format(day=day, time="09:00")
    main = pbx.press("1")
    assert (main.body["prompt_code"], main.prompt) == ("closed+main", f"{notice} {RU['main']}")

    instead = pbx.step("0")
    assert (instead.status, instead.action, instead.prompt) == (200, "play", notice)
    assert instead.body["transfer_to"] is None
    again = pbx.step("")
    assert (again.action, again.prompt) == ("collect", RU["main"])  # said once is enough
    session = IvrSession.objects.get()
    assert (session.outcome, session.ended_at) == ("", None)


def test_the_notice_is_in_kazakh_for_a_kazakh_caller(pbx: FakePbx, clock: Clock) -> None:
    clock.set(datetime(2026, 3, 17, 19, 30, tzinfo=ASTANA))
    pbx.dial()
    main = pbx.press("2")
    notice = PHRASES["closed"][1].format(day="18.03.2026", time="09:00")
    assert main.prompt == f"{notice} {KK['main']}"


def test_within_hours_nothing_is_said_about_closing(pbx: FakePbx, clock: Clock) -> None:
    clock.set(datetime(2026, 3, 17, 9, 0, tzinfo=ASTANA))
    pbx.dial()
    assert pbx.press("1").prompt == RU["main"]
    assert pbx.press("0").action == "transfer"
