"""PC-1: unknown meters, expired verification, and which refusal wins."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.cabinet.rules import (
    Code,
    History,
    MeterFacts,
    Outcome,
    OutsideRule,
    PreviousReading,
    Window,
    check_reading,
)

TODAY = date(2026, 3, 10)


def test_no_meter_is_unknown_meter() -> None:
    result = check_reading("5", None, None, History(), TODAY, Window(1, 25), OutsideRule.REFUSE)
    assert (result.outcome, result.code) == (Outcome.REFUSED, Code.UNKNOWN_METER)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(1, 4000))
def test_verification_before_today_is_expired(days: int) -> None:
    meter = MeterFacts(digits=5, verification_due=TODAY - timedelta(days=days))
    result = check_reading("5", meter, None, History(), TODAY, Window(1, 25), OutsideRule.REFUSE)
    assert result.code == Code.VERIFICATION_EXPIRED


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(0, 4000))
def test_verification_due_today_or_later_is_valid(days: int) -> None:
    meter = MeterFacts(digits=5, verification_due=TODAY + timedelta(days=days))
    result = check_reading("5", meter, None, History(), TODAY, Window(1, 25), OutsideRule.REFUSE)
    assert result.outcome == Outcome.ACCEPTED


def test_input_errors_come_before_meter_and_window_facts() -> None:
    meter = MeterFacts(digits=3, verification_due=date(2020, 1, 1))
    late = date(2026, 3, 28)
    previous = PreviousReading(Decimal(500), date(2026, 2, 1))

    def code(text: str) -> Code | None:
        return check_reading(
            text, meter, previous, History(), late, Window(1, 25), OutsideRule.REFUSE
        ).code

    assert code("abc") == Code.NOT_A_NUMBER
    assert code("-5") == Code.NEGATIVE
    assert code("5.5") == Code.TOO_MANY_DECIMALS
    assert code("5000") == Code.TOO_MANY_DIGITS
    assert code("5") == Code.VERIFICATION_EXPIRED
    fresh = MeterFacts(digits=3)
    assert (
        check_reading("5", fresh, previous, History(), late, Window(1, 25), OutsideRule.REFUSE).code
        == Code.OUTSIDE_WINDOW
    )
    assert (
        check_reading(
            "5", fresh, previous, History(), TODAY, Window(1, 25), OutsideRule.REFUSE
        ).code
        == Code.DECREASING
    )


def test_the_first_reading_of_a_meter_is_accepted_without_consumption() -> None:
    result = check_reading(
        "42", MeterFacts(digits=5), None, History(), TODAY, Window(1, 25), OutsideRule.REFUSE
    )
    assert (result.outcome, result.value, result.consumption, result.period) == (
        Outcome.ACCEPTED,
        Decimal(42),
        None,
        date(2026, 3, 1),
    )


def test_api_codes_are_kept() -> None:
    assert {c.value for c in Code} >= {
        "unknown_meter",
        "decreasing",
        "implausible",
        "too_many_digits",
        "verification_expired",
        "outside_window",
    }
