"""A reading the cabinet refuses is explained in the caller's language with the cabinet's
code, nothing is stored, and the value is asked again; the corrected one is accepted."""

from __future__ import annotations

from decimal import Decimal

from abonent.cabinet.models import Reading
from abonent.calls.ivr.demo import PHRASES
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.conftest import SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx

ASK_VALUE = PHRASES["reading_value"][0].format(tail="W 5 0 1")


def test_a_lower_reading_is_refused_then_a_correct_one_accepted(
    pbx: FakePbx, accounts: object
) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    pbx.press(SINGLE)
    pbx.press("99")
    refused = pbx.step("1")
    assert (refused.status, refused.code, refused.action) == (422, "decreasing", "collect")
    assert refused.body["message"] == "Показание меньше предыдущего."
    assert refused.prompt == f"Показание меньше предыдущего. {ASK_VALUE}"
    assert refused.body["prompt_code"] == "refused_decreasing+reading_value"
    assert not Reading.objects.filter(period="2026-03-01").exists()
    assert IvrSession.objects.get().failures == 1

    pbx.press("101")
    accepted = pbx.step("1")
    assert (accepted.status, accepted.prompt) == (200, "Спасибо, показание 101,000 принято.")
    stored = Reading.objects.get(period="2026-03-01")
    assert (stored.value, stored.source) == (Decimal(101), "ivr")
    results = list(IvrStep.objects.order_by("seq").values_list("result", flat=True))
    assert results[-4:] == ["ok", "decreasing", "ok", "reading_accepted"]


def test_too_many_decimals_is_the_cabinets_refusal(pbx: FakePbx, accounts: object) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    pbx.press(SINGLE)
    pbx.press("1*5")  # 1.5: fewer than before
    assert pbx.step("1").code == "decreasing"
    pbx.press("120*1234")  # four decimals on a three-decimal meter: the cabinet refuses
    turn = pbx.step("1")
    assert (turn.status, turn.code) == (422, "too_many_decimals")
    assert turn.body["message"] == PHRASES["refused_too_many_decimals"][0]
    assert not Reading.objects.filter(period="2026-03-01").exists()
