"""Tests of abonent.core.hours: the procedure's schedules, precedence, the text form and
some properties. Pure functions only; a fake calendar stands in for the holiday package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.core.hours import (
    ALMATY,
    DateException,
    DaySelector,
    Hours,
    HoursSyntaxError,
    Interval,
    Rule,
    current_interval_end,
    format_rules,
    is_open,
    last_sunday_of_month,
    next_opening,
    open_intervals,
    parse_rules,
)


class FakeCalendar:
    """Mon–Fri working, minus ``holidays``, plus ``working_weekends`` (decreed)."""

    def __init__(
        self, holidays: Iterable[date] = (), working_weekends: Iterable[date] = ()
    ) -> None:
        self.holidays = frozenset(holidays)
        self.working_weekends = frozenset(working_weekends)

    def __call__(self, d: date) -> bool:
        if d in self.working_weekends:
            return True
        return d.weekday() < 5 and d not in self.holidays


PLAIN = FakeCalendar()
# 2026-12-16 (Wed) Independence Day; 2026-11-30 (Mon) a made-up holiday for Monday tests.
HOLIDAYS = FakeCalendar(holidays={date(2026, 12, 16), date(2026, 11, 30)})
DECREED_SAT = date(2026, 11, 21)
DECREE = FakeCalendar(working_weekends={DECREED_SAT})

SERVICE_CENTRE = Hours(
    parse_rules(
        """
        # service centres
        mon-fri 09:00-18:00
        sat 09:00-13:00
        last_sun 09:00-13:00
        """
    )
)
CONTRACT_DEPT = Hours(parse_rules("mon-fri 09:00-13:00"))
CASH_HALL = Hours(parse_rules("mon-fri 09:00-18:00 break 13:00-14:00, 11:00-11:15"))
CONTACT_CENTRE = Hours(parse_rules("mon-fri 09:00-18:00"))


def hall_window(n: int) -> Hours:
    """Central-office hall window ``n``: lunch slides by one hour per window from 13:00."""
    return Hours(parse_rules(f"mon-fri 09:00-18:00 break {12 + n}:00-{13 + n}:00"))


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=ALMATY)


def iv(a: str, b: str) -> Interval:
    return Interval(time.fromisoformat(a), time.fromisoformat(b))


# --------------------------------------------------------------------------- basics


def test_day_selector_values() -> None:
    assert [s.value for s in DaySelector] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "last_sun",
        "workday",
    ]


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 29), True),
        (date(2026, 11, 22), False),
        (date(2026, 11, 30), False),
        (date(2026, 2, 22), True),
        (date(2026, 3, 29), True),
        (date(2026, 3, 22), False),
        (date(2024, 12, 29), True),
    ],
)
def test_last_sunday_of_month(d: date, expected: bool) -> None:
    assert last_sunday_of_month(d) is expected


def test_interval_validation() -> None:
    with pytest.raises(ValueError):
        Interval(time(10), time(10))
    with pytest.raises(ValueError):
        Interval(time(11), time(10))
    with pytest.raises(ValueError):
        Interval(time(10, tzinfo=UTC), time(11))
    assert Interval(time(0), time(23, 59, 59)).end == time(23, 59, 59)


def test_rule_and_exception_validation() -> None:
    with pytest.raises(ValueError):
        Rule(DaySelector.MON, time(18), time(9))
    with pytest.raises(ValueError):
        DateException(date(2026, 1, 5), closed=False)
    with pytest.raises(ValueError):
        DateException(date(2026, 1, 5), closed=False, opens=time(14), closes=time(10))
    DateException(date(2026, 1, 5), closed=True)  # times not needed when closed
    with pytest.raises(ValueError, match="more than one exception"):
        Hours(
            (),
            (
                DateException(date(2026, 1, 5), closed=True),
                DateException(date(2026, 1, 5), closed=False, opens=time(9), closes=time(10)),
            ),
        )


def test_rule_breaks_are_subtracted_and_clipped() -> None:
    rule = Rule(
        DaySelector.MON,
        time(9),
        time(18),
        (iv("13:00", "14:00"), iv("08:00", "09:30"), iv("17:30", "19:00"), iv("20:00", "21:00")),
    )
    assert rule.intervals() == [iv("09:30", "13:00"), iv("14:00", "17:30")]
    assert Rule(DaySelector.MON, time(9), time(10), (iv("08:00", "11:00"),)).intervals() == []


# --------------------------------------------------------------------------- service centre


def test_service_centre_saturday() -> None:
    assert is_open(SERVICE_CENTRE, at(2026, 11, 28, 9), PLAIN)
    assert is_open(SERVICE_CENTRE, at(2026, 11, 28, 12, 59), PLAIN)
    assert is_open(SERVICE_CENTRE, at(2026, 11, 28, 12, 59, 59), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 11, 28, 13), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 11, 28, 8, 59, 59), PLAIN)


def test_service_centre_weekday_bounds() -> None:
    assert is_open(SERVICE_CENTRE, at(2026, 11, 27, 9), PLAIN)
    assert is_open(SERVICE_CENTRE, at(2026, 11, 27, 17, 59, 59), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 11, 27, 18), PLAIN)
    assert open_intervals(SERVICE_CENTRE, date(2026, 11, 27), PLAIN) == [iv("09:00", "18:00")]


def test_service_centre_last_sunday_only() -> None:
    assert is_open(SERVICE_CENTRE, at(2026, 11, 29, 10), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 11, 29, 13), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 11, 22, 10), PLAIN)
    assert open_intervals(SERVICE_CENTRE, date(2026, 11, 22), PLAIN) == []
    assert open_intervals(SERVICE_CENTRE, date(2026, 11, 29), PLAIN) == [iv("09:00", "13:00")]


def test_service_centre_closed_on_public_holiday() -> None:
    assert is_open(SERVICE_CENTRE, at(2026, 12, 16, 10), PLAIN)
    assert not is_open(SERVICE_CENTRE, at(2026, 12, 16, 10), HOLIDAYS)
    assert open_intervals(SERVICE_CENTRE, date(2026, 12, 16), HOLIDAYS) == []


def test_next_opening_friday_evening() -> None:
    friday_18 = at(2026, 11, 27, 18)
    assert next_opening(SERVICE_CENTRE, friday_18, PLAIN) == at(2026, 11, 28, 9)
    assert next_opening(CONTACT_CENTRE, friday_18, PLAIN) == at(2026, 11, 30, 9)


def test_next_opening_saturday_afternoon_respects_last_sunday() -> None:
    assert next_opening(SERVICE_CENTRE, at(2026, 11, 28, 13), PLAIN) == at(2026, 11, 29, 9)
    assert next_opening(SERVICE_CENTRE, at(2026, 11, 21, 13), PLAIN) == at(2026, 11, 23, 9)


def test_next_opening_skips_holidays() -> None:
    # Sunday 2026-11-29 13:00 → Monday 30th is a (fake) holiday → Tuesday 09:00.
    assert next_opening(SERVICE_CENTRE, at(2026, 11, 29, 13), HOLIDAYS) == at(2026, 12, 1, 9)
    assert next_opening(CONTACT_CENTRE, at(2026, 12, 15, 18), HOLIDAYS) == at(2026, 12, 17, 9)


def test_next_opening_before_opening_same_day() -> None:
    assert next_opening(CONTACT_CENTRE, at(2026, 11, 27, 7, 30), PLAIN) == at(2026, 11, 27, 9)


# --------------------------------------------------------------------------- hall windows


def test_hall_sliding_lunch() -> None:
    day = date(2026, 11, 24)  # Tuesday
    assert open_intervals(hall_window(1), day, PLAIN) == [
        iv("09:00", "13:00"),
        iv("14:00", "18:00"),
    ]
    assert open_intervals(hall_window(2), day, PLAIN) == [
        iv("09:00", "14:00"),
        iv("15:00", "18:00"),
    ]
    assert not is_open(hall_window(1), at(2026, 11, 24, 13, 30), PLAIN)
    assert is_open(hall_window(2), at(2026, 11, 24, 13, 30), PLAIN)
    assert not is_open(hall_window(2), at(2026, 11, 24, 14), PLAIN)
    assert is_open(hall_window(2), at(2026, 11, 24, 15), PLAIN)


def test_hall_lunch_end_and_next_opening() -> None:
    w1 = hall_window(1)
    assert current_interval_end(w1, at(2026, 11, 24, 10), PLAIN) == at(2026, 11, 24, 13)
    assert next_opening(w1, at(2026, 11, 24, 13, 10), PLAIN) == at(2026, 11, 24, 14)
    assert current_interval_end(w1, at(2026, 11, 24, 13, 10), PLAIN) is None


# --------------------------------------------------------------------------- other schedules


def test_contract_department_mornings_only() -> None:
    assert is_open(CONTRACT_DEPT, at(2026, 11, 25, 12, 59), PLAIN)
    assert not is_open(CONTRACT_DEPT, at(2026, 11, 25, 13), PLAIN)
    assert not is_open(CONTRACT_DEPT, at(2026, 11, 28, 10), PLAIN)
    assert next_opening(CONTRACT_DEPT, at(2026, 11, 25, 13), PLAIN) == at(2026, 11, 26, 9)


def test_cash_hall_lunch_and_technical_break() -> None:
    assert open_intervals(CASH_HALL, date(2026, 11, 25), PLAIN) == [
        iv("09:00", "11:00"),
        iv("11:15", "13:00"),
        iv("14:00", "18:00"),
    ]
    assert is_open(CASH_HALL, at(2026, 11, 25, 10, 59, 59), PLAIN)
    assert not is_open(CASH_HALL, at(2026, 11, 25, 11), PLAIN)
    assert not is_open(CASH_HALL, at(2026, 11, 25, 11, 14, 59), PLAIN)
    assert is_open(CASH_HALL, at(2026, 11, 25, 11, 15), PLAIN)
    assert current_interval_end(CASH_HALL, at(2026, 11, 25, 10), PLAIN) == at(2026, 11, 25, 11)
    assert current_interval_end(CASH_HALL, at(2026, 11, 25, 11, 15), PLAIN) == at(2026, 11, 25, 13)
    assert current_interval_end(CASH_HALL, at(2026, 11, 25, 14), PLAIN) == at(2026, 11, 25, 18)
    # Open now: next_opening is the start of the next interval, after the current one ends.
    assert next_opening(CASH_HALL, at(2026, 11, 25, 10), PLAIN) == at(2026, 11, 25, 11, 15)
    assert next_opening(CASH_HALL, at(2026, 11, 25, 9), PLAIN) == at(2026, 11, 25, 11, 15)
    assert next_opening(CASH_HALL, at(2026, 11, 25, 11, 5), PLAIN) == at(2026, 11, 25, 11, 15)
    assert next_opening(CASH_HALL, at(2026, 11, 25, 15), PLAIN) == at(2026, 11, 26, 9)


def test_contact_centre() -> None:
    assert is_open(CONTACT_CENTRE, at(2026, 11, 27, 17, 59), PLAIN)
    assert not is_open(CONTACT_CENTRE, at(2026, 11, 28, 10), PLAIN)
    assert not is_open(CONTACT_CENTRE, at(2026, 11, 29, 10), PLAIN)
    assert current_interval_end(CONTACT_CENTRE, at(2026, 11, 27, 12), PLAIN) == at(2026, 11, 27, 18)


def test_open_on_non_working_days() -> None:
    always = Hours(CONTACT_CENTRE.rules, open_on_non_working_days=True)
    assert not is_open(CONTACT_CENTRE, at(2026, 12, 16, 10), HOLIDAYS)
    assert is_open(always, at(2026, 12, 16, 10), HOLIDAYS)
    # The flag lifts the holiday closure only; a weekend still needs its own rule.
    assert not is_open(always, at(2026, 11, 28, 10), HOLIDAYS)


# --------------------------------------------------------------------------- exceptions


def test_exception_closes_a_day() -> None:
    h = Hours(
        SERVICE_CENTRE.rules,
        (DateException(date(2026, 11, 27), closed=True, note="sanitary day"),),
    )
    assert not is_open(h, at(2026, 11, 27, 10), PLAIN)
    assert open_intervals(h, date(2026, 11, 27), PLAIN) == []
    assert next_opening(h, at(2026, 11, 26, 18), PLAIN) == at(2026, 11, 28, 9)


def test_exception_opens_a_holiday_with_special_hours() -> None:
    h = Hours(
        CASH_HALL.rules,
        (DateException(date(2026, 12, 16), closed=False, opens=time(10), closes=time(14)),),
    )
    assert open_intervals(h, date(2026, 12, 16), HOLIDAYS) == [iv("10:00", "14:00")]
    assert is_open(h, at(2026, 12, 16, 13, 30), HOLIDAYS)  # no lunch break on that day
    assert not is_open(h, at(2026, 12, 16, 14), HOLIDAYS)
    assert next_opening(h, at(2026, 12, 15, 18), HOLIDAYS) == at(2026, 12, 16, 10)
    assert current_interval_end(h, at(2026, 12, 16, 11), HOLIDAYS) == at(2026, 12, 16, 14)


def test_exception_opens_an_ordinary_sunday() -> None:
    h = Hours(
        SERVICE_CENTRE.rules,
        (DateException(date(2026, 11, 22), closed=False, opens=time(9), closes=time(12)),),
    )
    assert is_open(h, at(2026, 11, 22, 11, 59), PLAIN)
    assert not is_open(h, at(2026, 11, 22, 12), PLAIN)


# --------------------------------------------------------------------------- decreed Saturday


def test_working_saturday_by_decree_uses_workday_rules() -> None:
    h = Hours(parse_rules("workday 09:00-18:00"))
    assert is_open(h, at(2026, 11, 21, 17), DECREE)
    assert not is_open(h, at(2026, 11, 21, 17), PLAIN)
    assert not is_open(h, at(2026, 11, 28, 10), DECREE)  # an ordinary Saturday
    assert is_open(h, at(2026, 11, 23, 10), DECREE)  # an ordinary Monday
    assert not is_open(h, at(2026, 12, 16, 10), HOLIDAYS)
    assert next_opening(h, at(2026, 11, 20, 18), DECREE) == at(2026, 11, 21, 9)


def test_decreed_saturday_unites_workday_and_own_rules() -> None:
    h = Hours(parse_rules("mon-fri 09:00-18:00\nsat 09:00-13:00\nworkday 09:00-18:00"))
    assert open_intervals(h, DECREED_SAT, DECREE) == [iv("09:00", "18:00")]
    assert open_intervals(h, DECREED_SAT, PLAIN) == [iv("09:00", "13:00")]
    # mon-fri rules do not follow the decree.
    assert open_intervals(CONTACT_CENTRE, DECREED_SAT, DECREE) == []


def test_several_rules_union_with_per_rule_breaks() -> None:
    h = Hours(
        (
            Rule(DaySelector.SUN, time(9), time(12), (iv("10:00", "11:00"),)),
            Rule(DaySelector.LAST_SUN, time(10, 30), time(13)),
        )
    )
    # The sun rule's break is not subtracted from the last_sun rule's hours.
    assert open_intervals(h, date(2026, 11, 29), PLAIN) == [
        iv("09:00", "10:00"),
        iv("10:30", "13:00"),
    ]
    assert open_intervals(h, date(2026, 11, 22), PLAIN) == [
        iv("09:00", "10:00"),
        iv("11:00", "12:00"),
    ]


# --------------------------------------------------------------------------- time zones


def test_naive_datetimes_refused() -> None:
    naive = datetime(2026, 11, 27, 10)
    with pytest.raises(ValueError, match="aware"):
        is_open(CONTACT_CENTRE, naive, PLAIN)
    with pytest.raises(ValueError, match="aware"):
        next_opening(CONTACT_CENTRE, naive, PLAIN)
    with pytest.raises(ValueError, match="aware"):
        current_interval_end(CONTACT_CENTRE, naive, PLAIN)


def test_other_zones_are_converted_and_results_are_local() -> None:
    # Almaty is UTC+5: 09:00 local is 04:00 UTC.
    assert is_open(CONTACT_CENTRE, datetime(2026, 11, 27, 4, tzinfo=UTC), PLAIN)
    assert not is_open(CONTACT_CENTRE, datetime(2026, 11, 27, 3, 59, 59, tzinfo=UTC), PLAIN)
    nxt = next_opening(CONTACT_CENTRE, datetime(2026, 11, 27, 13, tzinfo=UTC), PLAIN)
    assert nxt == at(2026, 11, 30, 9)
    assert nxt is not None and nxt.tzinfo is ALMATY
    assert nxt.utcoffset() == timedelta(hours=5)
    end = current_interval_end(CONTACT_CENTRE, datetime(2026, 11, 27, 5, tzinfo=UTC), PLAIN)
    assert end is not None and end.tzinfo is ALMATY and end == at(2026, 11, 27, 18)


def test_next_opening_horizon() -> None:
    assert next_opening(Hours(()), at(2026, 11, 27), PLAIN) is None
    yearly = Hours(
        (), (DateException(date(2027, 6, 1), closed=False, opens=time(9), closes=time(10)),)
    )
    assert next_opening(yearly, at(2026, 11, 27), PLAIN) == at(2027, 6, 1, 9)
    assert next_opening(yearly, at(2026, 11, 27), PLAIN, horizon_days=30) is None
    assert next_opening(CONTACT_CENTRE, at(2026, 11, 27, 18), PLAIN, horizon_days=2) is None
    assert next_opening(CONTACT_CENTRE, at(2026, 11, 27, 18), PLAIN, horizon_days=3) == at(
        2026, 11, 30, 9
    )
    with pytest.raises(ValueError):
        next_opening(CONTACT_CENTRE, at(2026, 11, 27), PLAIN, horizon_days=-1)


# --------------------------------------------------------------------------- text form


def test_parse_expands_days_in_order() -> None:
    rules = parse_rules("mon-wed 09:00-18:00 break 13:00-14:00, 11:00-11:15\nlast_sun 9:00-13:00")
    brk = (iv("13:00", "14:00"), iv("11:00", "11:15"))
    assert rules == (
        Rule(DaySelector.MON, time(9), time(18), brk),
        Rule(DaySelector.TUE, time(9), time(18), brk),
        Rule(DaySelector.WED, time(9), time(18), brk),
        Rule(DaySelector.LAST_SUN, time(9), time(13)),
    )


def test_parse_is_lenient_about_layout() -> None:
    text = (
        "\n  # comment\n"
        "MON - FRI   09:00\u201318:00   BREAK 13:00 - 14:00 # lunch\n"
        "sat,last_sun 09:00-13:00\n"
        "workday 08:30:15-23:59:59\n"
    )
    rules = parse_rules(text)
    assert len(rules) == 8
    assert rules[0] == Rule(DaySelector.MON, time(9), time(18), (iv("13:00", "14:00"),))
    assert rules[5].day is DaySelector.SAT and rules[6].day is DaySelector.LAST_SUN
    assert rules[7] == Rule(DaySelector.WORKDAY, time(8, 30, 15), time(23, 59, 59))
    assert parse_rules("") == ()
    assert parse_rules("# nothing\n\n") == ()


def test_format_rules() -> None:
    text = "mon-fri 09:00-18:00\nsat 09:00-13:00\nlast_sun 09:00-13:00"
    assert format_rules(parse_rules(text)) == "mon-fri 09:00-18:00\nsat,last_sun 09:00-13:00"
    assert format_rules(CASH_HALL.rules) == "mon-fri 09:00-18:00 break 13:00-14:00, 11:00-11:15"
    odd = parse_rules("mon,wed,thu,fri,workday 08:00:30-12:00:00.25")
    assert format_rules(odd) == "mon,wed-fri,workday 08:00:30-12:00:00.250000"
    assert parse_rules(format_rules(odd)) == odd
    assert format_rules(()) == ""


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("mon-fri 09:00-18:00\nfunday 09:00-13:00", 2, "unknown day"),
        ("\n# c\nmon 25:00-26:00", 3, "out of range"),
        ("mon 18:00-09:00", 1, "end after"),
        ("fri-mon 09:00-18:00", 1, "forward"),
        ("mon-last_sun 09:00-18:00", 1, "mon..sun"),
        ("mon 09:00-18:00 break", 1, "expected"),
        ("mon 09:00-18:00 break 13:00", 1, "time range"),
        ("mon 09:00-18:00 break 14:00-13:00", 1, "end after"),
        ("mon\n", 1, "expected"),
        ("sat 09:00-13:00\n\n09:00-18:00", 3, "expected"),
        ("mon 9-18", 1, "expected"),
        ("mon-tue-wed 09:00-10:00", 1, "bad day range"),
    ],
)
def test_parse_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(HoursSyntaxError) as info:
        parse_rules(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- properties

quarter_hours = st.integers(min_value=0, max_value=24 * 4 - 1).map(
    lambda q: time(q // 4, q % 4 * 15)
)


@st.composite
def intervals(draw: st.DrawFn, times: st.SearchStrategy[time] = quarter_hours) -> Interval:
    a = draw(times)
    b = draw(times.filter(lambda t: t != a))
    return Interval(min(a, b), max(a, b))


@st.composite
def rules_st(draw: st.DrawFn, times: st.SearchStrategy[time] = quarter_hours) -> Rule:
    span = draw(intervals(times))
    breaks = draw(st.lists(intervals(times), max_size=2))
    return Rule(draw(st.sampled_from(DaySelector)), span.start, span.end, tuple(breaks))


@st.composite
def scenario(draw: st.DrawFn) -> tuple[Hours, datetime, FakeCalendar]:
    moment = draw(
        st.datetimes(
            min_value=datetime(2025, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.sampled_from([ALMATY, UTC]),
        )
    )
    local_day = moment.astimezone(ALMATY).date()
    offsets = st.integers(min_value=-1, max_value=14).map(lambda n: local_day + timedelta(n))
    exc_days = draw(st.lists(offsets, max_size=3, unique=True))
    exceptions = []
    for d in exc_days:
        if draw(st.booleans()):
            exceptions.append(DateException(d, closed=True))
        else:
            span = draw(intervals())
            exceptions.append(DateException(d, False, span.start, span.end))
    hours = Hours(
        tuple(draw(st.lists(rules_st(), max_size=4))),
        tuple(exceptions),
        draw(st.booleans()),
    )
    calendar = FakeCalendar(
        holidays=draw(st.lists(offsets, max_size=3)),
        working_weekends=draw(st.lists(offsets, max_size=2)),
    )
    return hours, moment, calendar


@settings(max_examples=150, deadline=None)
@given(scenario(), st.lists(st.floats(min_value=0, max_value=1), max_size=30))
def test_next_opening_properties(
    case: tuple[Hours, datetime, FakeCalendar], fractions: list[float]
) -> None:
    hours, moment, calendar = case
    nxt = next_opening(hours, moment, calendar)
    open_now = is_open(hours, moment, calendar)
    end = current_interval_end(hours, moment, calendar)
    assert (end is not None) is open_now
    if end is not None:
        assert end > moment
        assert is_open(hours, end - timedelta(microseconds=1), calendar)
        assert not is_open(hours, end, calendar)
        assert nxt is None or nxt > end
    if nxt is None:
        return
    assert nxt.tzinfo is ALMATY
    assert nxt > moment
    assert is_open(hours, nxt, calendar)
    assert not is_open(hours, nxt - timedelta(microseconds=1), calendar)
    if not open_now:
        gap = nxt - moment
        samples = [moment + gap * f for f in fractions]
        samples += [moment + gap * (i / 64) for i in range(64)]
        samples.append(nxt - timedelta(microseconds=1))
        for s in samples:
            if s < nxt:
                assert not is_open(hours, s, calendar), s


@settings(max_examples=150, deadline=None)
@given(st.lists(rules_st(st.times()), max_size=8))
def test_format_parse_round_trip(rules: list[Rule]) -> None:
    text = format_rules(rules)
    assert parse_rules(text) == tuple(rules)
    assert format_rules(parse_rules(text)) == text


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_last_sunday_property(d: date) -> None:
    expected = d.weekday() == 6 and (d + timedelta(days=7)).month != d.month
    assert last_sunday_of_month(d) is expected
    if d.weekday() == 6:
        month_sundays = [
            d + timedelta(weeks=k)
            for k in range(-5, 6)
            if (d + timedelta(weeks=k)).month == d.month
        ]
        assert sum(map(last_sunday_of_month, month_sundays)) == 1
