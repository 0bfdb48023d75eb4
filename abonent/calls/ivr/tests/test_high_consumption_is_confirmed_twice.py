"""A reading far above the usual consumption (but not implausible) is not a failed try:
the caller is asked to confirm it once more, as in the cabinet, and a confirmed one is
stored flagged for review."""

from __future__ import annotations

from decimal import Decimal

from abonent.cabinet.models import Reading
from abonent.calls.ivr.demo import PHRASES
from abonent.calls.ivr.models import IvrSession
from abonent.calls.ivr.tests.conftest import SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx


def _enter(pbx: FakePbx, value: str) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    pbx.press(SINGLE)
    pbx.press(value)


def test_a_high_reading_confirmed_again_is_stored_for_review(
    pbx: FakePbx, accounts: object
) -> None:
    _enter(pbx, "160")  # 60 m³ against about 5 a month
    ask = pbx.step("1")
    assert (ask.status, ask.action, ask.prompt) == (200, "collect", PHRASES["reading_high"][0])
    assert not Reading.objects.filter(period="2026-03-01").exists()
    assert IvrSession.objects.get().failures == 0
    done = pbx.step("1")
    assert done.prompt == "Спасибо, показание 160,000 принято."
    stored = Reading.objects.get(period="2026-03-01")
    assert (stored.value, stored.status, stored.flag_reason) == (
        Decimal(160),
        "needs_review",
        "high_consumption",
    )


def test_a_high_reading_may_be_entered_again(pbx: FakePbx, accounts: object) -> None:
    _enter(pbx, "160")
    pbx.step("1")
    again = pbx.step("2")
    assert again.body["prompt_code"] == "reading_value"
    pbx.press("106")
    assert pbx.step("1").status == 200
    assert Reading.objects.get(period="2026-03-01").value == Decimal(106)
