"""PC-1: consumption against the account's history; a very high value needs confirmation and
is flagged for review, an absurd one is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.cabinet.rules import (
    HIGH_CONSUMPTION,
    Code,
    History,
    HistoryPoint,
    MeterFacts,
    Outcome,
    OutsideRule,
    Policy,
    PreviousReading,
    Window,
    add_months,
    check_reading,
    history_from,
)

TODAY = date(2026, 3, 10)
FEB = date(2026, 2, 1)
POLICY = Policy(high_factor=Decimal(3), implausible_factor=Decimal(20))
AVG_10 = History(average_monthly=Decimal(10), months=12)


def check(value: str, history: History = AVG_10, confirm: bool = False, previous: int = 1000):  # type: ignore[no-untyped-def]
    return check_reading(
        value,
        MeterFacts(digits=5),
        PreviousReading(Decimal(previous), FEB),
        history,
        TODAY,
        Window(1, 25),
        OutsideRule.REFUSE,
        confirm=confirm,
        policy=POLICY,
    )


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(0, 30))
def test_up_to_the_high_factor_is_accepted_without_a_flag(used: int) -> None:
    result = check(str(1000 + used))
    assert (result.outcome, result.flag, result.status) == (Outcome.ACCEPTED, "", "accepted")


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(31, 200))
def test_above_the_high_factor_needs_confirmation(used: int) -> None:
    result = check(str(1000 + used))
    assert result.outcome == Outcome.NEEDS_CONFIRMATION
    assert result.consumption == Decimal(used)
    assert result.detail == {"average_monthly": "10.000"}


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(31, 200))
def test_a_confirmed_high_value_is_accepted_and_flagged_for_review(used: int) -> None:
    result = check(str(1000 + used), confirm=True)
    assert (result.outcome, result.flag, result.status) == (
        Outcome.ACCEPTED,
        HIGH_CONSUMPTION,
        "needs_review",
    )


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(201, 98000), st.booleans())
def test_above_the_implausible_factor_is_refused_even_confirmed(used: int, confirm: bool) -> None:
    result = check(str(1000 + used), confirm=confirm)
    assert (result.outcome, result.code) == (Outcome.REFUSED, Code.IMPLAUSIBLE)


def test_a_short_history_does_not_judge() -> None:
    short = History(average_monthly=Decimal(1), months=2)
    assert check("1100", history=short).outcome == Outcome.ACCEPTED


def test_a_tiny_average_is_floored_at_one_unit() -> None:
    tiny = History(average_monthly=Decimal("0.01"), months=12)
    assert check("1003", history=tiny).outcome == Outcome.ACCEPTED
    assert check("1004", history=tiny).outcome == Outcome.NEEDS_CONFIRMATION


def test_an_implausible_rollover_is_called_decreasing() -> None:
    result = check("5000", previous=99000)  # wrap 6000, 600x the average
    assert result.code == Code.DECREASING


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.lists(st.integers(0, 500), min_size=1, max_size=24), st.integers(0, 10**6))
def test_history_average_is_total_over_months(used: list[int], start: int) -> None:
    points = [HistoryPoint(date(2024, 1, 1), Decimal(start))]
    value = start
    for i, u in enumerate(used, start=1):
        value += u
        points.append(HistoryPoint(add_months(date(2024, 1, 1), i), Decimal(value)))
    history = history_from(list(reversed(points)))
    assert history.months == len(used)
    assert history.average_monthly == Decimal(sum(used)) / len(used)


def test_history_uses_stored_consumption_across_a_rollover() -> None:
    points = [
        HistoryPoint(date(2026, 1, 1), Decimal(99990)),
        HistoryPoint(date(2026, 2, 1), Decimal(10), Decimal(20)),
        HistoryPoint(date(2026, 4, 1), Decimal(50), Decimal(40)),
    ]
    assert history_from(points) == History(average_monthly=Decimal(20), months=3)


def test_no_history_from_one_point() -> None:
    assert history_from([HistoryPoint(FEB, Decimal(5))]) == History()
    assert history_from([]) == History()
