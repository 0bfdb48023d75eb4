"""Reference information from the foundation's schedules (CC-2): the contact centre and the
offices are "open now" or say when they open, at frozen times — a working Tuesday, its
evening, a Saturday and Nauryz (a public holiday on a Monday, with its carry-overs)."""

from __future__ import annotations

from datetime import datetime

import pytest

from abonent.calls.ivr.demo import NODES
from abonent.calls.ivr.tests.conftest import ASTANA, Clock
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}
SERVICE_CENTRES = ["Сервис-центр № 1", "Сервис-центр № 2", "Сервис-центр № 3", "Сервис-центр № 4"]


def _reference(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("1")


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (datetime(2026, 3, 17, 10, 0), "Контакт-центр сейчас работает, до 18:00."),
        (datetime(2026, 3, 17, 17, 59), "Контакт-центр сейчас работает, до 18:00."),
        (
            datetime(2026, 3, 17, 18, 0),
            "Контакт-центр сейчас закрыт. Он откроется 18.03.2026 в 09:00.",
        ),
        (
            datetime(2026, 3, 14, 10, 0),  # a Saturday
            "Контакт-центр сейчас закрыт. Он откроется 16.03.2026 в 09:00.",
        ),
        (
            datetime(2026, 3, 23, 11, 0),  # Nauryz; the 24th and 25th are carried-over days off
            "Контакт-центр сейчас закрыт. Он откроется 26.03.2026 в 09:00.",
        ),
    ],
)
def test_contact_centre_hours_say_open_now_or_when_it_opens(
    pbx: FakePbx, clock: Clock, moment: datetime, said: str
) -> None:
    clock.set(moment.replace(tzinfo=ASTANA))
    _reference(pbx)
    turn = pbx.step("1")
    assert (turn.status, turn.action, turn.body["prompt_code"]) == (200, "play", "cc_hours")
    assert turn.prompt == f"{RU['cc_hours']} {said}"


def _offices(central: str, centres: str) -> str:
    return " ".join([central, *(centres.format(name=name) for name in SERVICE_CENTRES)])


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (
            datetime(2026, 3, 14, 10, 0),  # Saturday: the service centres work until 13:00
            _offices(
                "Центральный офис сейчас закрыт, откроется 16.03.2026 в 09:00.",
                "{name} сейчас открыт, до 13:00.",
            ),
        ),
        (
            datetime(2026, 3, 23, 11, 0),  # Nauryz: everything closed until the 26th
            _offices(
                "Центральный офис сейчас закрыт, откроется 26.03.2026 в 09:00.",
                "{name} сейчас закрыт, откроется 26.03.2026 в 09:00.",
            ),
        ),
        (
            datetime(2026, 3, 17, 10, 0),
            _offices(
                "Центральный офис сейчас открыт, до 18:00.", "{name} сейчас открыт, до 18:00."
            ),
        ),
    ],
)
def test_office_hours_follow_the_calendar(
    pbx: FakePbx, clock: Clock, moment: datetime, said: str
) -> None:
    clock.set(moment.replace(tzinfo=ASTANA))
    _reference(pbx)
    turn = pbx.step("2")
    assert turn.prompt == f"{RU['office_hours']} {said}"
