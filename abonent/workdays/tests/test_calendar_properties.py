"""Property tests for the working-day calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.workdays.calendar import (
    MAX_CALENDAR_DAYS,
    MAX_DATE,
    MAX_WORKING_DAYS,
    MIN_DATE,
    DayReason,
    Override,
    WorkCalendar,
)

ALMATY = ZoneInfo("Asia/Almaty")
CAL = WorkCalendar()
PROPS = settings(max_examples=200, deadline=None)
# Calendars with overrides are costlier to draw; fewer examples keep the file fast.
OVERRIDE_PROPS = settings(max_examples=100, deadline=None)

# Leave room after the start so that even the longest terms stay inside the range.
starts = st.dates(min_value=MIN_DATE, max_value=date(2097, 12, 31))
any_days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
working_counts = st.integers(min_value=1, max_value=MAX_WORKING_DAYS)
calendar_counts = st.integers(min_value=1, max_value=MAX_CALENDAR_DAYS)


@st.composite
def calendars_with_overrides(draw: st.DrawFn) -> tuple[WorkCalendar, list[Override], date]:
    """A calendar with up to 15 overrides clustered within ~2 months of an anchor date."""
    anchor = draw(st.dates(min_value=date(2000, 3, 1), max_value=date(2097, 1, 1)))
    overrides = draw(
        st.lists(
            st.builds(
                Override,
                day=st.integers(-40, 40).map(lambda k: anchor + timedelta(days=k)),
                working=st.booleans(),
                basis=st.sampled_from(["", "Order No. 12", "Решение акимата"]),
            ),
            max_size=15,
            unique_by=lambda o: o.day,
        )
    )
    return WorkCalendar(overrides), overrides, anchor


def _working_between_brute(cal: WorkCalendar, a: date, b: date) -> int:
    count = 0
    d = a + timedelta(days=1)
    while d <= b:
        count += cal.is_working_day(d)
        d += timedelta(days=1)
    return count


# --------------------------------------------------------------------------- package data


def test_is_working_day_agrees_with_the_holidays_package_for_every_supported_day() -> None:
    package = holidays.country_holidays("KZ", years=range(MIN_DATE.year, MAX_DATE.year + 1))
    d = MIN_DATE
    mismatches = []
    while d <= MAX_DATE:
        if CAL.is_working_day(d) != package.is_working_day(d):
            mismatches.append(d)
        d += timedelta(days=1)
    assert mismatches == []


@PROPS
@given(any_days)
def test_day_info_is_consistent_with_is_working_day_and_weekday(d: date) -> None:
    info = CAL.day(d)
    assert info.day == d
    assert info.working == CAL.is_working_day(d)
    if info.reason is DayReason.WEEKDAY:
        assert info.working and d.weekday() < 5 and info.name == ""
    elif info.reason is DayReason.WEEKEND:
        assert not info.working and d.weekday() >= 5 and info.name == ""
    elif info.reason is DayReason.TRANSFER_WORKING:
        assert info.working and info.name == ""
    else:
        assert info.reason in {
            DayReason.HOLIDAY,
            DayReason.CARRIED_OVER,
            DayReason.TRANSFER_OFF,
        }
        assert not info.working and info.name != ""
    if info.reason is DayReason.CARRIED_OVER:
        assert info.name.endswith("(observed)") and d.weekday() < 5


# --------------------------------------------------------------------------- working days


@PROPS
@given(starts, working_counts)
def test_add_working_days_result_is_working_and_strictly_after_start(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due > start
    assert CAL.is_working_day(due)


@PROPS
@given(starts, working_counts)
def test_exactly_n_working_days_lie_in_start_to_due(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1
    assert _working_between_brute(CAL, start, due) == n


@PROPS
@given(starts, working_counts, working_counts)
def test_add_working_days_is_strictly_increasing_in_n(start: date, m: int, n: int) -> None:
    low, high = sorted((m, n))
    if low == high:
        assert CAL.add_working_days(start, low) == CAL.add_working_days(start, high)
    else:
        assert CAL.add_working_days(start, low) < CAL.add_working_days(start, high)


@PROPS
@given(starts, starts, working_counts)
def test_add_working_days_is_monotone_in_start(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert CAL.add_working_days(early, n) <= CAL.add_working_days(late, n)


@PROPS
@given(starts, st.integers(1, MAX_WORKING_DAYS - 1), st.data())
def test_add_working_days_composes(start: date, m: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, MAX_WORKING_DAYS - m))
    assert CAL.add_working_days(start, m + n) == CAL.add_working_days(
        CAL.add_working_days(start, m), n
    )


@PROPS
@given(starts)
def test_next_working_day_skips_only_non_working_days(d: date) -> None:
    inclusive = CAL.next_working_day(d, inclusive=True)
    exclusive = CAL.next_working_day(d, inclusive=False)
    assert CAL.is_working_day(inclusive) and CAL.is_working_day(exclusive)
    assert d <= inclusive <= exclusive and d < exclusive
    assert exclusive == CAL.add_working_days(d, 1)
    assert all(not CAL.is_working_day(d + timedelta(days=k)) for k in range((inclusive - d).days))
    assert (inclusive == d) == CAL.is_working_day(d)


@PROPS
@given(starts, starts, starts)
def test_working_days_between_is_additive(a: date, b: date, c: date) -> None:
    x, y, z = sorted((a, b, c))
    assert CAL.working_days_between(x, z) == CAL.working_days_between(
        x, y
    ) + CAL.working_days_between(y, z)
    assert CAL.working_days_between(z, x) == 0 or x == z


@PROPS
@given(starts, st.integers(0, 120))
def test_working_days_between_matches_day_by_day_count(a: date, span: int) -> None:
    b = a + timedelta(days=span)
    assert CAL.working_days_between(a, b) == _working_between_brute(CAL, a, b)


# --------------------------------------------------------------------------- calendar days


@PROPS
@given(starts, calendar_counts)
def test_calendar_term_moves_only_over_non_working_days(start: date, n: int) -> None:
    term = CAL.add_calendar_days(start, n)
    assert term.unadjusted_due == start + timedelta(days=n)
    assert term.due >= term.unadjusted_due
    assert CAL.is_working_day(term.due)
    gap = (term.due - term.unadjusted_due).days
    assert all(not CAL.is_working_day(term.unadjusted_due + timedelta(days=k)) for k in range(gap))
    assert term.moved == (gap > 0)
    assert gap <= 10  # the longest run of non-working days is short


# --------------------------------------------------------------------------- registration

received_moments = st.datetimes(
    min_value=datetime(2000, 1, 2),
    max_value=datetime(2097, 12, 31),
    timezones=st.sampled_from(
        [UTC, ALMATY, ZoneInfo("Europe/Moscow"), ZoneInfo("America/New_York")]
    ),
)


@PROPS
@given(received_moments)
def test_registration_date_is_the_first_working_day_not_before_local_receipt(
    received_at: datetime,
) -> None:
    local = received_at.astimezone(ALMATY)
    registered = CAL.registration_date(received_at)
    assert CAL.is_working_day(registered)
    assert registered >= local.date()
    # No working day is skipped between the receipt day and the registration day.
    assert CAL.working_days_between(local.date(), registered) <= 1
    if registered == local.date():
        assert local.time() < time(18, 0)
    if local.time() >= time(18, 0) or not CAL.is_working_day(local.date()):
        assert registered == CAL.next_working_day(local.date(), inclusive=False)
    else:
        assert registered == local.date()


@PROPS
@given(received_moments, st.times())
def test_registration_date_never_precedes_the_standard_one_with_an_earlier_end_of_day(
    received_at: datetime, end_of_day: time
) -> None:
    custom = CAL.registration_date(received_at, end_of_day=end_of_day)
    if end_of_day <= time(18, 0):
        assert custom >= CAL.registration_date(received_at)
    else:
        assert custom <= CAL.registration_date(received_at)


# --------------------------------------------------------------------------- overrides


@OVERRIDE_PROPS
@given(calendars_with_overrides())
def test_overrides_win_and_change_nothing_else(
    case: tuple[WorkCalendar, list[Override], date],
) -> None:
    cal, overrides, anchor = case
    by_day = {o.day: o for o in overrides}
    for k in range(-45, 46):
        d = anchor + timedelta(days=k)
        info = cal.day(d)
        if d in by_day:
            assert info.reason is DayReason.OVERRIDE
            assert info.working == by_day[d].working == cal.is_working_day(d)
            assert info.name == by_day[d].basis
        else:
            assert info == CAL.day(d)
            assert cal.is_working_day(d) == CAL.is_working_day(d)


@OVERRIDE_PROPS
@given(calendars_with_overrides(), st.integers(-45, 45), st.integers(1, 60))
def test_add_working_days_respects_overrides(
    case: tuple[WorkCalendar, list[Override], date], shift: int, n: int
) -> None:
    cal, _, anchor = case
    start = anchor + timedelta(days=shift)
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert _working_between_brute(cal, start, due) == n
    assert cal.working_days_between(start, due) == n
    term = cal.add_calendar_days(start, n)
    assert cal.is_working_day(term.due)
    gap = (term.due - term.unadjusted_due).days
    assert all(not cal.is_working_day(term.unadjusted_due + timedelta(days=k)) for k in range(gap))


@OVERRIDE_PROPS
@given(calendars_with_overrides())
def test_mapping_and_iterable_overrides_build_the_same_calendar(
    case: tuple[WorkCalendar, list[Override], date],
) -> None:
    cal, overrides, anchor = case
    from_mapping = WorkCalendar({o.day: o for o in overrides})
    assert from_mapping.overrides == cal.overrides
    for k in range(-45, 46):
        d = anchor + timedelta(days=k)
        assert from_mapping.day(d) == cal.day(d)
