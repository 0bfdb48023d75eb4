"""PC-1: not lower than the previous reading, unless it is a plausible register rollover."""

from __future__ import annotations

from datetime import date
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
FEB = date(2026, 2, 1)


def check(value: str, previous: Decimal, digits: int = 5, period: date = FEB):  # type: ignore[no-untyped-def]
    return check_reading(
        value,
        MeterFacts(digits=digits),
        PreviousReading(previous, period),
        History(),
        TODAY,
        Window(1, 25),
        OutsideRule.REFUSE,
    )


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(2, 12), data=st.data())
def test_a_value_not_below_the_previous_gives_its_difference(
    digits: int, data: st.DataObject
) -> None:
    register = 10**digits
    prev = data.draw(st.integers(0, register - 1))
    new = data.draw(st.integers(prev, min(register - 1, prev + register // 2)))
    result = check(str(new), Decimal(prev), digits)
    assert result.outcome == Outcome.ACCEPTED
    assert result.consumption == Decimal(new - prev)
    assert result.rollover is False


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(2, 12), data=st.data())
def test_a_small_value_after_one_near_the_top_is_a_rollover(
    digits: int, data: st.DataObject
) -> None:
    register = 10**digits
    tenth = register // 10
    prev = data.draw(st.integers(register - tenth // 2, register - 1))
    new = data.draw(st.integers(0, tenth // 2 - 1).filter(lambda n: n < prev))
    result = check(str(new), Decimal(prev), digits)
    assert result.outcome == Outcome.ACCEPTED
    assert result.rollover is True
    assert result.consumption == Decimal(register - prev + new)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(2, 12), data=st.data())
def test_a_lower_value_with_a_large_wrap_is_decreasing(digits: int, data: st.DataObject) -> None:
    register = 10**digits
    new = data.draw(st.integers(0, register - 2))
    # the wrap register - prev + new is above a tenth of the register
    prev = data.draw(
        st.integers(new + 1, register - 1).filter(lambda p: register - p + new > register // 10)
    )
    result = check(str(new), Decimal(prev), digits)
    assert (result.outcome, result.code) == (Outcome.REFUSED, Code.DECREASING)
    assert result.detail == {"previous": str(prev)}


def test_rollover_examples() -> None:
    assert check("00012", Decimal(99990)).consumption == Decimal(22)
    assert check("12", Decimal(99990)).rollover is True
    assert check("50000", Decimal(60000)).code == Code.DECREASING
    assert check("99", Decimal(100)).code == Code.DECREASING


def test_the_same_value_again_is_zero_consumption() -> None:
    result = check("123", Decimal(123))
    assert (result.outcome, result.consumption, result.rollover) == (
        Outcome.ACCEPTED,
        Decimal(0),
        False,
    )


def test_without_history_more_than_half_the_register_at_once_is_implausible() -> None:
    assert check("60000", Decimal(9999)).code == Code.IMPLAUSIBLE
    assert check("59999", Decimal(9999)).outcome == Outcome.ACCEPTED


def test_monthly_consumption_spreads_over_missed_months() -> None:
    result = check("130", Decimal(100), period=date(2025, 12, 1))
    assert result.consumption == Decimal(30)
    assert result.monthly == Decimal(10)
