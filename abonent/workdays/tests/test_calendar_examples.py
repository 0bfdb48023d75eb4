"""Example tests: Kazakhstan holiday periods of 2024-2026 and deadline arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from abonent.workdays import calendar as wd
from abonent.workdays.calendar import (
    MAX_CALENDAR_DAYS,
    MAX_DATE,
    MAX_WORKING_DAYS,
    MIN_DATE,
    CalendarRangeError,
    DayInfo,
    DayReason,
    InvalidTermError,
    Override,
    Term,
    WorkCalendar,
)

ALMATY = ZoneInfo("Asia/Almaty")
CAL = WorkCalendar()

H = DayReason.HOLIDAY
C = DayReason.CARRIED_OVER
WE = DayReason.WEEKEND
WD = DayReason.WEEKDAY


def info(d: date, working: bool, reason: DayReason, name: str = "") -> DayInfo:
    return DayInfo(day=d, working=working, reason=reason, name=name)


def days(*iso: str) -> list[date]:
    return [date.fromisoformat(s) for s in iso]


# --------------------------------------------------------------------------- holidays


def test_new_year_2024_is_two_days_off_then_work_resumes() -> None:
    assert CAL.day(date(2024, 1, 1)) == info(date(2024, 1, 1), False, H, "New Year's Day")
    assert CAL.day(date(2024, 1, 2)) == info(date(2024, 1, 2), False, H, "New Year's Day")
    assert CAL.day(date(2024, 1, 3)) == info(date(2024, 1, 3), True, WD)


def test_orthodox_christmas_2024_on_sunday_is_not_carried_over() -> None:
    assert CAL.day(date(2024, 1, 7)) == info(date(2024, 1, 7), False, H, "Orthodox Christmas")
    assert CAL.day(date(2024, 1, 8)) == info(date(2024, 1, 8), True, WD)


def test_orthodox_christmas_2025_and_2026_on_weekdays_are_days_off() -> None:
    assert CAL.day(date(2025, 1, 7)) == info(date(2025, 1, 7), False, H, "Orthodox Christmas")
    assert CAL.day(date(2026, 1, 7)) == info(date(2026, 1, 7), False, H, "Orthodox Christmas")


def test_nauryz_2024_saturday_is_carried_over_to_monday() -> None:
    got = [(d, CAL.day(d).working, CAL.day(d).reason) for d in days(*_span("2024-03-20", 7))]
    assert got == [
        (date(2024, 3, 20), True, WD),
        (date(2024, 3, 21), False, H),
        (date(2024, 3, 22), False, H),
        (date(2024, 3, 23), False, H),
        (date(2024, 3, 24), False, WE),
        (date(2024, 3, 25), False, C),
        (date(2024, 3, 26), True, WD),
    ]
    assert CAL.day(date(2024, 3, 21)).name == "Nowruz Holiday"
    assert CAL.day(date(2024, 3, 25)).name == "Nowruz Holiday (observed)"


def test_nauryz_2025_weekend_days_are_carried_over() -> None:
    got = [(d, CAL.day(d).working, CAL.day(d).reason) for d in days(*_span("2025-03-20", 7))]
    assert got == [
        (date(2025, 3, 20), True, WD),
        (date(2025, 3, 21), False, H),
        (date(2025, 3, 22), False, H),
        (date(2025, 3, 23), False, H),
        (date(2025, 3, 24), False, C),
        (date(2025, 3, 25), False, C),
        (date(2025, 3, 26), True, WD),
    ]


def test_nauryz_2026_weekend_days_are_carried_over_after_monday() -> None:
    got = [(d, CAL.day(d).working, CAL.day(d).reason) for d in days(*_span("2026-03-20", 7))]
    assert got == [
        (date(2026, 3, 20), True, WD),
        (date(2026, 3, 21), False, H),
        (date(2026, 3, 22), False, H),
        (date(2026, 3, 23), False, H),
        (date(2026, 3, 24), False, C),
        (date(2026, 3, 25), False, C),
        (date(2026, 3, 26), True, WD),
    ]


def test_womens_day_2025_on_saturday_is_carried_over_to_monday() -> None:
    assert CAL.day(date(2025, 3, 8)) == info(
        date(2025, 3, 8), False, H, "International Women's Day"
    )
    assert CAL.day(date(2025, 3, 10)) == info(
        date(2025, 3, 10), False, C, "International Women's Day (observed)"
    )


def test_saturday_2024_05_04_is_working_by_decree() -> None:
    assert CAL.day(date(2024, 5, 4)) == info(date(2024, 5, 4), True, DayReason.TRANSFER_WORKING)
    assert CAL.is_working_day(date(2024, 5, 4))
    assert CAL.day(date(2024, 5, 5)) == info(date(2024, 5, 5), False, WE)


def test_wednesday_2024_05_08_is_a_day_off_moved_by_decree() -> None:
    got = CAL.day(date(2024, 5, 8))
    assert got.working is False
    assert got.reason is DayReason.TRANSFER_OFF
    assert got.name == "Day off (substituted from 05/04/2024)"


def test_may_2024_holidays_make_a_three_day_break() -> None:
    assert [CAL.is_working_day(d) for d in days(*_span("2024-05-01", 11))] == [
        False,  # 1 Wed, Solidarity Day
        True,  # 2 Thu
        True,  # 3 Fri
        True,  # 4 Sat, working by decree
        False,  # 5 Sun
        True,  # 6 Mon
        False,  # 7 Tue, Defender of the Fatherland Day
        False,  # 8 Wed, moved from 4 May
        False,  # 9 Thu, Victory Day
        True,  # 10 Fri
        False,  # 11 Sat
    ]


def test_sunday_2025_01_05_is_working_and_friday_2025_01_03_is_off() -> None:
    assert CAL.day(date(2025, 1, 5)) == info(date(2025, 1, 5), True, DayReason.TRANSFER_WORKING)
    got = CAL.day(date(2025, 1, 3))
    assert (got.working, got.reason, got.name) == (
        False,
        DayReason.TRANSFER_OFF,
        "Day off (substituted from 01/05/2025)",
    )
    assert CAL.day(date(2025, 1, 4)) == info(date(2025, 1, 4), False, WE)


def test_kurban_ait_2024_on_sunday_is_not_carried_over() -> None:
    assert CAL.day(date(2024, 6, 16)) == info(date(2024, 6, 16), False, H, "Eid al-Adha")
    assert CAL.day(date(2024, 6, 17)) == info(date(2024, 6, 17), True, WD)


def test_kurban_ait_2025_friday_is_a_day_off() -> None:
    assert CAL.day(date(2025, 6, 6)) == info(date(2025, 6, 6), False, H, "Eid al-Adha")


def test_kurban_ait_2026_is_an_estimated_date_in_the_package() -> None:
    assert CAL.day(date(2026, 5, 27)) == info(
        date(2026, 5, 27), False, H, "Eid al-Adha (estimated)"
    )


def test_capital_day_2024_saturday_is_carried_over_to_monday() -> None:
    assert CAL.day(date(2024, 7, 6)) == info(date(2024, 7, 6), False, H, "Capital Day")
    assert CAL.day(date(2024, 7, 8)) == info(date(2024, 7, 8), False, C, "Capital Day (observed)")


def test_constitution_day_2025_saturday_is_carried_over_to_monday() -> None:
    assert CAL.day(date(2025, 9, 1)) == info(
        date(2025, 9, 1), False, C, "Constitution Day (observed)"
    )


def test_constitution_day_is_not_a_holiday_in_2026() -> None:
    # The 2026 constitution moved Constitution Day to 15 March from 2027 on.
    assert CAL.day(date(2026, 8, 30)) == info(date(2026, 8, 30), False, WE)
    assert CAL.day(date(2026, 8, 31)) == info(date(2026, 8, 31), True, WD)


def test_republic_day_2025_and_2026_weekend_dates_are_carried_over() -> None:
    assert CAL.day(date(2025, 10, 27)) == info(
        date(2025, 10, 27), False, C, "Republic Day (observed)"
    )
    assert CAL.day(date(2026, 10, 26)) == info(
        date(2026, 10, 26), False, C, "Republic Day (observed)"
    )


def test_independence_day_is_a_single_day_off_since_2022() -> None:
    for year, weekday_after in ((2024, True), (2025, True), (2026, True)):
        d16, d17 = date(year, 12, 16), date(year, 12, 17)
        assert CAL.day(d16) == info(d16, False, H, "Independence Day")
        assert CAL.is_working_day(d17) is weekday_after


def test_ordinary_weekend_and_weekday() -> None:
    assert CAL.day(date(2025, 6, 14)) == info(date(2025, 6, 14), False, WE)
    assert CAL.day(date(2025, 6, 15)) == info(date(2025, 6, 15), False, WE)
    assert CAL.day(date(2025, 6, 16)) == info(date(2025, 6, 16), True, WD)


def test_non_working_days_of_2025_are_exactly_the_expected_weekday_holidays() -> None:
    off_weekdays = [
        d for d in days(*_span("2025-01-01", 365)) if d.weekday() < 5 and not CAL.is_working_day(d)
    ]
    assert off_weekdays == days(
        "2025-01-01",
        "2025-01-02",
        "2025-01-03",
        "2025-01-07",
        "2025-03-10",
        "2025-03-21",
        "2025-03-24",
        "2025-03-25",
        "2025-05-01",
        "2025-05-07",
        "2025-05-09",
        "2025-06-06",
        "2025-07-07",
        "2025-09-01",
        "2025-10-27",
        "2025-12-16",
    )
    working_weekend = [
        d for d in days(*_span("2025-01-01", 365)) if d.weekday() >= 5 and CAL.is_working_day(d)
    ]
    assert working_weekend == [date(2025, 1, 5)]


def test_working_day_totals_per_year() -> None:
    assert CAL.working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 249
    assert CAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 246
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 247


# --------------------------------------------------------------------------- working days


def test_fifteen_working_days_across_nauryz_2025() -> None:
    assert CAL.add_working_days(date(2025, 3, 17), 15) == date(2025, 4, 10)


def test_fifteen_working_days_across_nauryz_2024() -> None:
    assert CAL.add_working_days(date(2024, 3, 20), 15) == date(2024, 4, 15)


def test_fifteen_working_days_across_may_2024_count_the_working_saturday() -> None:
    assert CAL.add_working_days(date(2024, 4, 30), 15) == date(2024, 5, 24)


def test_fifteen_working_days_across_new_year_2025_count_the_working_sunday() -> None:
    assert CAL.add_working_days(date(2024, 12, 27), 15) == date(2025, 1, 22)


def test_one_working_day_after_a_non_working_start() -> None:
    assert CAL.add_working_days(date(2024, 3, 23), 1) == date(2024, 3, 26)
    assert CAL.add_working_days(date(2025, 1, 5), 1) == date(2025, 1, 6)
    assert CAL.add_working_days(date(2025, 1, 1), 1) == date(2025, 1, 5)


def test_maximum_working_days_from_start_of_2025() -> None:
    # 246 working days in 2025; the 120th working day of 2026 is 2 July 2026.
    assert CAL.add_working_days(date(2024, 12, 31), 246) == date(2025, 12, 31)
    assert CAL.add_working_days(date(2024, 12, 31), MAX_WORKING_DAYS) == date(2026, 7, 2)


def test_next_working_day_inclusive_and_exclusive() -> None:
    assert CAL.next_working_day(date(2025, 3, 20), inclusive=True) == date(2025, 3, 20)
    assert CAL.next_working_day(date(2025, 3, 20), inclusive=False) == date(2025, 3, 26)
    assert CAL.next_working_day(date(2025, 1, 1), inclusive=True) == date(2025, 1, 5)


def test_working_days_between_counts_left_open_right_closed() -> None:
    assert CAL.working_days_between(date(2025, 3, 20), date(2025, 3, 26)) == 1
    assert CAL.working_days_between(date(2024, 5, 3), date(2024, 5, 10)) == 3
    assert CAL.working_days_between(date(2025, 3, 26), date(2025, 3, 26)) == 0
    assert CAL.working_days_between(date(2025, 3, 26), date(2025, 3, 20)) == 0


# --------------------------------------------------------------------------- calendar days


def test_thirty_calendar_days_landing_on_nauryz_are_moved_to_next_working_day() -> None:
    assert CAL.add_calendar_days(date(2024, 2, 20), 30) == Term(
        due=date(2024, 3, 26), unadjusted_due=date(2024, 3, 21)
    )


def test_thirty_calendar_days_landing_on_saturday_are_moved_to_monday() -> None:
    term = CAL.add_calendar_days(date(2025, 5, 1), 30)
    assert term == Term(due=date(2025, 6, 2), unadjusted_due=date(2025, 5, 31))
    assert term.moved


def test_thirty_calendar_days_landing_on_working_day_are_not_moved() -> None:
    term = CAL.add_calendar_days(date(2025, 4, 2), 30)
    assert term == Term(due=date(2025, 5, 2), unadjusted_due=date(2025, 5, 2))
    assert not term.moved


def test_calendar_days_landing_on_a_day_off_moved_by_decree_skip_to_the_next_working_day() -> None:
    assert CAL.add_calendar_days(date(2024, 4, 8), 30) == Term(
        due=date(2024, 5, 10), unadjusted_due=date(2024, 5, 8)
    )


def test_term_cannot_be_due_before_its_unadjusted_date() -> None:
    with pytest.raises(ValueError, match="cannot precede"):
        Term(due=date(2025, 1, 1), unadjusted_due=date(2025, 1, 2))


# --------------------------------------------------------------------------- registration


def test_appeal_received_at_18_00_is_registered_on_next_working_day() -> None:
    received = datetime(2024, 3, 20, 18, 0, tzinfo=ALMATY)
    assert CAL.registration_date(received) == date(2024, 3, 26)


def test_appeal_received_at_17_59_59_is_registered_the_same_day() -> None:
    received = datetime(2024, 3, 20, 17, 59, 59, tzinfo=ALMATY)
    assert CAL.registration_date(received) == date(2024, 3, 20)


def test_appeal_received_on_saturday_is_registered_on_monday() -> None:
    received = datetime(2025, 6, 14, 10, 0, tzinfo=ALMATY)
    assert CAL.registration_date(received) == date(2025, 6, 16)


def test_appeal_received_on_kurban_ait_friday_is_registered_on_monday() -> None:
    received = datetime(2025, 6, 6, 9, 0, tzinfo=ALMATY)
    assert CAL.registration_date(received) == date(2025, 6, 9)


def test_appeal_received_on_new_year_2025_is_registered_on_the_working_sunday() -> None:
    received = datetime(2025, 1, 1, 12, 0, tzinfo=ALMATY)
    assert CAL.registration_date(received) == date(2025, 1, 5)


def test_registration_converts_utc_to_almaty_utc_plus_5_since_march_2024() -> None:
    assert CAL.registration_date(datetime(2025, 6, 10, 12, 59, 59, tzinfo=UTC)) == date(2025, 6, 10)
    assert CAL.registration_date(datetime(2025, 6, 10, 13, 0, tzinfo=UTC)) == date(2025, 6, 11)
    # 20:00 UTC is 01:00 local on the next day.
    assert CAL.registration_date(datetime(2025, 6, 10, 20, 0, tzinfo=UTC)) == date(2025, 6, 11)


def test_registration_uses_utc_plus_6_before_march_2024() -> None:
    assert CAL.registration_date(datetime(2024, 2, 28, 11, 59, 59, tzinfo=UTC)) == date(2024, 2, 28)
    assert CAL.registration_date(datetime(2024, 2, 28, 12, 0, tzinfo=UTC)) == date(2024, 2, 29)


def test_registration_with_custom_end_of_day() -> None:
    received = datetime(2025, 6, 10, 17, 0, tzinfo=ALMATY)
    assert CAL.registration_date(received, end_of_day=time(17, 0)) == date(2025, 6, 11)
    assert CAL.registration_date(received) == date(2025, 6, 10)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.registration_date(datetime(2025, 6, 10, 10, 0))


def test_aware_end_of_day_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CAL.registration_date(
            datetime(2025, 6, 10, 10, 0, tzinfo=ALMATY), end_of_day=time(18, tzinfo=UTC)
        )


# --------------------------------------------------------------------------- overrides


def test_override_making_a_carried_over_day_working_wins() -> None:
    cal = WorkCalendar([Override(date(2025, 3, 24), working=True, basis="Order No. 12")])
    assert cal.day(date(2025, 3, 24)) == info(
        date(2025, 3, 24), True, DayReason.OVERRIDE, "Order No. 12"
    )
    assert cal.is_working_day(date(2025, 3, 24))
    assert cal.add_working_days(date(2025, 3, 20), 1) == date(2025, 3, 24)
    assert cal.add_working_days(date(2025, 3, 17), 15) == date(2025, 4, 9)


def test_override_making_a_weekday_non_working_wins() -> None:
    cal = WorkCalendar({date(2025, 6, 9): Override(date(2025, 6, 9), working=False, basis="Flood")})
    assert cal.day(date(2025, 6, 9)) == info(date(2025, 6, 9), False, DayReason.OVERRIDE, "Flood")
    assert cal.registration_date(datetime(2025, 6, 6, 9, 0, tzinfo=ALMATY)) == date(2025, 6, 10)
    assert cal.add_calendar_days(date(2025, 5, 10), 30) == Term(
        due=date(2025, 6, 10), unadjusted_due=date(2025, 6, 9)
    )


def test_override_can_cancel_a_decreed_working_saturday() -> None:
    cal = WorkCalendar([Override(date(2024, 5, 4), working=False)])
    assert cal.day(date(2024, 5, 4)) == info(date(2024, 5, 4), False, DayReason.OVERRIDE, "")
    assert cal.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 6)


def test_overrides_do_not_leak_into_other_calendars() -> None:
    WorkCalendar([Override(date(2025, 3, 24), working=True)]).is_working_day(date(2025, 3, 24))
    assert not WorkCalendar().is_working_day(date(2025, 3, 24))


def test_identical_duplicate_overrides_are_accepted() -> None:
    ov = Override(date(2025, 3, 24), working=True, basis="x")
    assert WorkCalendar([ov, ov]).overrides == {date(2025, 3, 24): ov}


def test_conflicting_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="conflicting"):
        WorkCalendar([Override(date(2025, 3, 24), True), Override(date(2025, 3, 24), False)])


def test_override_mapping_key_must_match_its_day() -> None:
    with pytest.raises(ValueError, match="differs"):
        WorkCalendar({date(2025, 3, 24): Override(date(2025, 3, 25), True)})


def test_module_level_shortcuts_honour_overrides() -> None:
    ov = [Override(date(2025, 3, 24), working=True)]
    assert wd.is_working_day(date(2025, 3, 24), ov)
    assert not wd.is_working_day(date(2025, 3, 24))
    assert wd.add_working_days(date(2025, 3, 20), 1, ov) == date(2025, 3, 24)
    assert wd.add_working_days(date(2025, 3, 20), 1) == date(2025, 3, 26)
    assert wd.add_calendar_days(date(2025, 2, 22), 30, ov) == Term(
        due=date(2025, 3, 24), unadjusted_due=date(2025, 3, 24)
    )
    assert wd.add_calendar_days(date(2025, 2, 22), 30) == Term(
        due=date(2025, 3, 26), unadjusted_due=date(2025, 3, 24)
    )
    received = datetime(2025, 3, 21, 10, 0, tzinfo=ALMATY)
    assert wd.registration_date(received, ov) == date(2025, 3, 24)
    assert wd.registration_date(received) == date(2025, 3, 26)


# --------------------------------------------------------------------------- limits


def test_dates_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        CAL.day(date(1999, 12, 31))
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(date(2101, 1, 1))
    with pytest.raises(CalendarRangeError):
        CAL.working_days_between(date(1999, 12, 31), date(2000, 1, 5))
    with pytest.raises(CalendarRangeError):
        WorkCalendar([Override(date(1999, 1, 1), True)])
    assert CAL.day(MIN_DATE).day == MIN_DATE
    assert CAL.day(MAX_DATE).day == MAX_DATE


def test_results_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days(date(2100, 12, 28), 5)
    with pytest.raises(CalendarRangeError):
        CAL.add_calendar_days(date(2100, 12, 1), 31)
    with pytest.raises(CalendarRangeError):
        CAL.next_working_day(MAX_DATE, inclusive=False)
    with pytest.raises(CalendarRangeError):
        CAL.registration_date(datetime(2100, 12, 31, 20, 0, tzinfo=ALMATY))
    with pytest.raises(CalendarRangeError):
        CAL.registration_date(datetime(2100, 12, 31, 20, 0, tzinfo=UTC))
    assert CAL.add_calendar_days(date(2100, 12, 1), 30) == Term(
        due=date(2100, 12, 31), unadjusted_due=date(2100, 12, 31)
    )


@pytest.mark.parametrize("n", [0, -1, MAX_WORKING_DAYS + 1])
def test_invalid_working_day_counts_are_refused(n: int) -> None:
    with pytest.raises(InvalidTermError):
        CAL.add_working_days(date(2025, 1, 1), n)


@pytest.mark.parametrize("n", [0, -5, MAX_CALENDAR_DAYS + 1])
def test_invalid_calendar_day_counts_are_refused(n: int) -> None:
    with pytest.raises(InvalidTermError):
        CAL.add_calendar_days(date(2025, 1, 1), n)


def test_largest_calendar_term_is_accepted() -> None:
    assert CAL.add_calendar_days(date(2025, 1, 1), MAX_CALENDAR_DAYS) == Term(
        due=date(2027, 9, 28), unadjusted_due=date(2027, 9, 28)
    )


def test_non_date_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        CAL.day(datetime(2025, 1, 1, 12, 0))
    with pytest.raises(TypeError):
        CAL.add_working_days(date(2025, 1, 1), True)
    with pytest.raises(TypeError):
        CAL.add_calendar_days(date(2025, 1, 1), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        WorkCalendar([date(2025, 1, 1)])  # type: ignore[list-item]


def _span(start: str, count: int) -> list[str]:
    first = date.fromisoformat(start).toordinal()
    return [date.fromordinal(first + i).isoformat() for i in range(count)]
