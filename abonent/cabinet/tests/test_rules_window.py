"""PC-1: the monthly submission window and the configurable rule outside it."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.cabinet.rules import (
    Code,
    History,
    MeterFacts,
    Outcome,
    OutsideRule,
    Window,
    add_months,
    check_reading,
    period_for,
)

METER = MeterFacts(digits=5)


@st.composite
def windows(draw: st.DrawFn) -> Window:
    first = draw(st.integers(1, 31))
    return Window(first, draw(st.integers(first, 31)))


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(windows(), days)
def test_inside_the_window_the_reading_is_for_this_month(window: Window, day: date) -> None:
    length = (add_months(day, 1) - day.replace(day=1)).days
    inside = min(window.first_day, length) <= day.day <= min(window.last_day, length)
    for rule in OutsideRule:
        placed = period_for(day, window, rule)
        if inside:
            assert placed == (day.replace(day=1), False)
        elif rule == OutsideRule.REFUSE:
            assert placed is None
        elif day.day < window.first_day:
            assert placed == (day.replace(day=1), True)
        else:
            assert placed == (add_months(day, 1), True)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(days)
def test_next_period_is_the_first_of_the_next_month(day: date) -> None:
    nxt = add_months(day, 1)
    assert nxt.day == 1
    assert nxt > day
    assert (nxt - timedelta(days=1)).month == day.month


def test_window_to_the_31st_ends_with_february() -> None:
    window = Window(20, 31)
    assert period_for(date(2026, 2, 28), window, OutsideRule.REFUSE) == (date(2026, 2, 1), False)
    assert period_for(date(2028, 2, 29), window, OutsideRule.REFUSE) == (date(2028, 2, 1), False)


def test_a_window_starting_after_the_months_end_opens_on_its_last_day() -> None:
    assert period_for(date(2026, 2, 28), Window(30, 31), OutsideRule.REFUSE) == (
        date(2026, 2, 1),
        False,
    )


def test_refuse_rule_gives_outside_window_with_the_days() -> None:
    result = check_reading(
        "10", METER, None, History(), date(2026, 3, 26), Window(1, 25), OutsideRule.REFUSE
    )
    assert (result.outcome, result.code) == (Outcome.REFUSED, Code.OUTSIDE_WINDOW)
    assert result.detail == {"first_day": "1", "last_day": "25"}


def test_next_period_rule_counts_a_late_reading_for_next_month() -> None:
    result = check_reading(
        "10", METER, None, History(), date(2026, 12, 27), Window(1, 25), OutsideRule.NEXT_PERIOD
    )
    assert result.outcome == Outcome.ACCEPTED
    assert result.period == date(2027, 1, 1)
    assert result.status == "next_period"


def test_the_meters_own_window_wins_over_the_companys() -> None:
    meter = MeterFacts(digits=5, window=Window(15, 20))
    early = check_reading(
        "1", meter, None, History(), date(2026, 3, 10), Window(1, 25), OutsideRule.REFUSE
    )
    assert early.code == Code.OUTSIDE_WINDOW
    inside = check_reading(
        "1", meter, None, History(), date(2026, 3, 16), Window(1, 10), OutsideRule.REFUSE
    )
    assert (inside.outcome, inside.period, inside.status) == (
        Outcome.ACCEPTED,
        date(2026, 3, 1),
        "accepted",
    )
