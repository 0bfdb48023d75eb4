"""A hot-water meter reading entered by keys (PC-1, C-2 row 2) is stored through the
cabinet's one validation service with source ``ivr``, by the integration user."""

from __future__ import annotations

from decimal import Decimal

from abonent.cabinet.models import Reading
from abonent.calls.ivr.models import IvrSession
from abonent.calls.ivr.tests.conftest import DOUBLE, SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx
from abonent.core.models import AuditEntry


def _to_readings(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")


def test_a_reading_with_decimals_is_read_back_confirmed_and_stored(
    pbx: FakePbx, accounts: object
) -> None:
    _to_readings(pbx)
    pbx.press(SINGLE)
    assert pbx.press("103*25#").prompt.startswith("Вы ввели 103,25.")
    done = pbx.step("1")
    assert (done.status, done.prompt, done.body["prompt_code"]) == (
        200,
        "Спасибо, показание 103,250 принято.",
        "reading_accepted",
    )
    stored = Reading.objects.get(meter__serial="HW-501", period="2026-03-01")
    assert (stored.value, stored.consumption, stored.source, stored.status) == (
        Decimal("103.250"),
        Decimal("3.250"),
        "ivr",
        "accepted",
    )
    assert stored.submitted_by is not None and stored.submitted_by.username == "oktell"
    assert AuditEntry.objects.for_object(stored).filter(action="reading.submitted").count() == 1
    assert IvrSession.objects.get().served is True


def test_the_caller_chooses_among_several_meters_and_may_enter_again(
    pbx: FakePbx, accounts: object
) -> None:
    _to_readings(pbx)
    pbx.press(DOUBLE)
    pbx.press("1")
    assert pbx.press("600").prompt.startswith("Вы ввели 600.")
    again = pbx.press("2")  # "to enter it again, press 2": not a failed try
    assert (again.status, again.body["prompt_code"]) == (200, "reading_value")
    pbx.press("512")
    assert pbx.step("1").status == 200
    stored = Reading.objects.get(meter__serial="HW-77-A", period="2026-03-01")
    assert stored.value == Decimal(512)
    assert not Reading.objects.filter(meter__serial="HW-77-B", period="2026-03-01").exists()
