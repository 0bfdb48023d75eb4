"""Opening hours as data, and pure functions over them (no Django, no database).

A place's hours are :class:`Hours`: weekly :class:`Rule` lines (a day selector, opening and
closing times and optional breaks), dated :class:`DateException` entries, and a flag saying
whether the place also works on public holidays. Whether a date is a working day comes from
a callback (:data:`IsWorkingDay`), normally the Kazakhstan working-day calendar.

Precedence for one date ``d`` (the first step that applies decides)
-------------------------------------------------------------------

1. **DateException** for ``d``: ``closed=True`` closes the whole day; otherwise the day is
   open exactly ``opens``–``closes`` (no breaks; the weekly rules are ignored that day).
   This is how a holiday gets special hours or a normal day is closed.
2. **Non-working weekday**: if ``d`` is Monday–Friday and the callback says it is not a
   working day (a public holiday, its carry-over, a day off moved by decree), the place is
   closed, unless ``open_on_non_working_days`` is set, in which case step 3 applies as usual.
   Saturday and Sunday are non-working in the ordinary five-day week, so a yes/no callback
   cannot tell a holiday on a weekend from a normal weekend: with such a callback weekend
   dates always go on to step 3. A callback may instead return a :class:`DayType`; then a
   weekend date that is a public holiday (``DayType.DAY_OFF``, e.g. Nauryz on a Saturday)
   is closed like a weekday holiday. The Kazakhstan calendar is used that way.
3. **Rules matching** ``d``: ``MON``…``SUN`` match their weekday; ``LAST_SUN`` matches the
   last Sunday of the month; ``WORKDAY`` matches any date the callback calls working,
   including a Saturday or Sunday made working by decree (``MON``…``FRI`` rules do not
   follow a decreed transfer, ``WORKDAY`` rules do). Several rules may match one date (for
   example ``sun`` and ``last_sun``, or ``sat`` and ``workday`` on a decreed Saturday): each
   rule's breaks are subtracted from that rule's own hours, then the results are united.

The resulting intervals are sorted and merged (touching intervals join). Every interval is
half-open: open at ``start``, closed at ``end``; so a place open 09:00–18:00 is open at
09:00:00 and closed at 18:00:00. Times are wall-clock times of the place's time zone
(Asia/Almaty by default); an interval never crosses midnight, the latest possible end being
``time.max`` (``time(23, 59, 59)`` is accepted and leaves the last second closed).

Moments are aware datetimes, converted to the place's zone and compared by wall-clock time;
returned datetimes are aware in that zone. Asia/Almaty has had no clock change since
2024-03-01, so this is exact there.

Text form (:func:`parse_rules` / :func:`format_rules`), one rule group per line::

    # service centre
    mon-fri 09:00-18:00
    sat 09:00-13:00
    last_sun 09:00-13:00
    mon,wed 09:00-18:00 break 13:00-14:00, 11:00-11:15
    workday 09:00-18:00

Days are a comma-separated list of selectors or ``mon``…``sun`` ranges (``mon-fri``); a
line expands to one :class:`Rule` per day, in the written order. Times are ``H:MM``,
``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.ffffff``. Blank lines and ``#`` comments (whole-line
or trailing) are ignored; keywords are case-insensitive; an en or em dash may replace ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "ALMATY",
    "DateException",
    "DaySelector",
    "DayType",
    "Hours",
    "HoursSyntaxError",
    "Interval",
    "IsWorkingDay",
    "Rule",
    "current_interval_end",
    "day_type",
    "format_rules",
    "is_open",
    "last_sunday_of_month",
    "next_opening",
    "open_intervals",
    "parse_rules",
]

ALMATY = ZoneInfo("Asia/Almaty")


class DayType(StrEnum):
    """What the calendar says of a date, richer than working / non-working."""

    WORKING = "working"  # an ordinary working day, or a weekend day made working by decree
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    DAY_OFF = "day_off"  # a public holiday, its carry-over, a decreed or staff-set day off


IsWorkingDay = Callable[[date], "bool | DayType"]


def day_type(is_working_day: IsWorkingDay, d: date) -> DayType:
    """Normalise a callback's answer: a plain bool is read as the five-day week."""
    answer = is_working_day(d)
    if isinstance(answer, DayType):
        return answer
    if answer:
        return DayType.WORKING
    return DayType.WEEKEND if d.weekday() >= _SATURDAY else DayType.DAY_OFF


"""Tells whether a date is a working day (Mon–Fri minus holidays, plus decreed working days)."""

_SATURDAY = 5
_SUNDAY = 6


class DaySelector(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"
    LAST_SUN = "last_sun"  # the last Sunday of the month
    WORKDAY = "workday"  # any working day per the calendar callback


_WEEKDAYS: tuple[DaySelector, ...] = (
    DaySelector.MON,
    DaySelector.TUE,
    DaySelector.WED,
    DaySelector.THU,
    DaySelector.FRI,
    DaySelector.SAT,
    DaySelector.SUN,
)
_WEEKDAY_INDEX: Mapping[DaySelector, int] = {sel: i for i, sel in enumerate(_WEEKDAYS)}


def _check_naive_time(value: object, what: str) -> None:
    if not isinstance(value, time):
        raise TypeError(f"{what} must be a datetime.time, got {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive (wall-clock) time, got {value!r}")


@dataclass(frozen=True)
class Interval:
    """A half-open wall-clock interval ``[start, end)`` within one day; ``end > start``."""

    start: time
    end: time

    def __post_init__(self) -> None:
        _check_naive_time(self.start, "start")
        _check_naive_time(self.end, "end")
        if self.end <= self.start:
            raise ValueError(f"an interval must end after it starts: {self.start}-{self.end}")

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class Rule:
    """Open ``opens``–``closes`` on the days ``day`` selects, minus ``breaks``."""

    day: DaySelector
    opens: time
    closes: time
    breaks: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.day, DaySelector):
            raise TypeError(f"day must be a DaySelector, got {self.day!r}")
        Interval(self.opens, self.closes)  # validates the times and their order
        for b in self.breaks:
            if not isinstance(b, Interval):
                raise TypeError(f"breaks must be Interval objects, got {b!r}")

    def intervals(self) -> list[Interval]:
        """The rule's hours with its breaks removed (sorted, possibly empty)."""
        pieces = [Interval(self.opens, self.closes)]
        for b in self.breaks:
            rest: list[Interval] = []
            for p in pieces:
                if b.end <= p.start or b.start >= p.end:
                    rest.append(p)
                    continue
                if p.start < b.start:
                    rest.append(Interval(p.start, b.start))
                if b.end < p.end:
                    rest.append(Interval(b.end, p.end))
            pieces = rest
        return sorted(pieces, key=lambda i: (i.start, i.end))


@dataclass(frozen=True)
class DateException:
    """A dated exception: ``closed`` closes the day, otherwise it is open
    ``opens``–``closes`` (both required, in order; ignored when ``closed``)."""

    day: date
    closed: bool
    opens: time | None = None
    closes: time | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError(f"day must be a datetime.date, got {self.day!r}")
        if not self.closed:
            if self.opens is None or self.closes is None:
                raise ValueError(f"an open exception on {self.day} needs opens and closes")
            Interval(self.opens, self.closes)

    def interval(self) -> Interval | None:
        if self.closed or self.opens is None or self.closes is None:
            return None
        return Interval(self.opens, self.closes)


@dataclass(frozen=True)
class Hours:
    """A place's opening hours. At most one exception per date (else ``ValueError``)."""

    rules: tuple[Rule, ...]
    exceptions: tuple[DateException, ...] = ()
    open_on_non_working_days: bool = False

    def __post_init__(self) -> None:
        seen: set[date] = set()
        for e in self.exceptions:
            if e.day in seen:
                raise ValueError(f"more than one exception for {e.day.isoformat()}")
            seen.add(e.day)

    def exception_for(self, d: date) -> DateException | None:
        for e in self.exceptions:
            if e.day == d:
                return e
        return None


# --------------------------------------------------------------------------- evaluation


def last_sunday_of_month(d: date) -> bool:
    """Whether ``d`` is a Sunday and the last one of its month."""
    return d.weekday() == _SUNDAY and (d + timedelta(days=7)).month != d.month


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for iv in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and iv.start <= merged[-1].end:
            if iv.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, iv.end)
        else:
            merged.append(iv)
    return merged


def _day_intervals(
    hours: Hours,
    d: date,
    is_working_day: IsWorkingDay,
    exceptions: Mapping[date, DateException],
) -> list[Interval]:
    exc = exceptions.get(d)
    if exc is not None:
        iv = exc.interval()
        return [] if iv is None else [iv]

    weekday = d.weekday()
    kind = day_type(is_working_day, d)
    if kind is DayType.DAY_OFF and not hours.open_on_non_working_days:
        return []

    pieces: list[Interval] = []
    for rule in hours.rules:
        if rule.day is DaySelector.WORKDAY:
            matches = kind is DayType.WORKING
        elif rule.day is DaySelector.LAST_SUN:
            matches = last_sunday_of_month(d)
        else:
            matches = _WEEKDAY_INDEX[rule.day] == weekday
        if matches:
            pieces.extend(rule.intervals())
    return _merge(pieces)


def _exception_map(hours: Hours) -> dict[date, DateException]:
    return {e.day: e for e in hours.exceptions}


def open_intervals(hours: Hours, d: date, is_working_day: IsWorkingDay) -> list[Interval]:
    """The open intervals of date ``d`` (breaks removed, merged, sorted); see the module
    docstring for the precedence of exceptions, holidays and rules."""
    return _day_intervals(hours, d, is_working_day, _exception_map(hours))


def _local(at: datetime, tz: ZoneInfo, what: str) -> datetime:
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"{what} must be an aware datetime, got {at!r}")
    return at.astimezone(tz)


def _current(
    hours: Hours, at: datetime, is_working_day: IsWorkingDay, tz: ZoneInfo
) -> tuple[date, Interval] | None:
    local = _local(at, tz, "at")
    t = local.time()
    for iv in open_intervals(hours, local.date(), is_working_day):
        if iv.contains(t):
            return local.date(), iv
    return None


def is_open(
    hours: Hours, at: datetime, is_working_day: IsWorkingDay, tz: ZoneInfo = ALMATY
) -> bool:
    """Whether the place is open at the aware moment ``at`` (``ValueError`` if naive).
    Closing times are exclusive: open 09:00–18:00 is open at 09:00:00, closed at 18:00:00."""
    return _current(hours, at, is_working_day, tz) is not None


def current_interval_end(
    hours: Hours, at: datetime, is_working_day: IsWorkingDay, tz: ZoneInfo = ALMATY
) -> datetime | None:
    """When open at ``at``: the moment the current interval ends (closing time or the start
    of the next break), aware in ``tz``. ``None`` when closed at ``at``."""
    found = _current(hours, at, is_working_day, tz)
    if found is None:
        return None
    d, iv = found
    return datetime.combine(d, iv.end, tzinfo=tz)


def next_opening(
    hours: Hours,
    after: datetime,
    is_working_day: IsWorkingDay,
    tz: ZoneInfo = ALMATY,
    horizon_days: int = 400,
) -> datetime | None:
    """The start of the earliest open interval that begins strictly after ``after``.

    * Closed at ``after``: the first moment ``t >= after`` at which the place is open (it
      cannot be ``after`` itself, which is closed).
    * Open at ``after``: the start of the next opening after the current interval ends
      (for example the end of the lunch break, or tomorrow's opening); never ``after``.

    Dates from ``after``'s local date up to ``horizon_days`` days later are searched;
    ``None`` if nothing opens in that span. The result is aware in ``tz``.
    """
    if horizon_days < 0:
        raise ValueError(f"horizon_days must not be negative, got {horizon_days}")
    local = _local(after, tz, "after")
    t = local.time()
    first = local.date().toordinal()
    last = min(first + horizon_days, date.max.toordinal())
    exceptions = _exception_map(hours)
    for ordinal in range(first, last + 1):
        d = date.fromordinal(ordinal)
        for iv in _day_intervals(hours, d, is_working_day, exceptions):
            if ordinal > first or iv.start > t:
                return datetime.combine(d, iv.start, tzinfo=tz)
    return None


# --------------------------------------------------------------------------- text form


class HoursSyntaxError(ValueError):
    """A line of the text form of opening hours is invalid; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-"})
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
_SPAN_RE = re.compile(rf"\s*({_TIME})\s*-\s*({_TIME})\s*")
_LINE_RE = re.compile(
    rf"^(?P<days>[a-z_]+(?:\s*[-,]\s*[a-z_]+)*)\s+"
    rf"(?P<hours>{_TIME}\s*-\s*{_TIME})"
    r"(?:\s+break\s+(?P<breaks>.*))?$"
)


def _parse_time(text: str) -> time:
    m = _TIME_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"bad time {text!r}")
    hour, minute = int(m[1]), int(m[2])
    second = int(m[3]) if m[3] else 0
    micro = int(m[4].ljust(6, "0")) if m[4] else 0
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"time out of range: {text!r}")
    return time(hour, minute, second, micro)


def _parse_span(text: str) -> Interval:
    m = _SPAN_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"expected a time range like 13:00-14:00, got {text.strip()!r}")
    return Interval(_parse_time(m[1]), _parse_time(m[2]))


def _selector(name: str) -> DaySelector:
    try:
        return DaySelector(name)
    except ValueError:
        choices = ", ".join(s.value for s in DaySelector)
        raise ValueError(f"unknown day {name!r} (expected one of: {choices})") from None


def _parse_days(text: str) -> list[DaySelector]:
    days: list[DaySelector] = []
    for item in text.split(","):
        parts = [p.strip() for p in item.split("-")]
        if len(parts) == 1:
            days.append(_selector(parts[0]))
            continue
        if len(parts) != 2:
            raise ValueError(f"bad day range {item.strip()!r}")
        first, last = _selector(parts[0]), _selector(parts[1])
        if first not in _WEEKDAY_INDEX or last not in _WEEKDAY_INDEX:
            raise ValueError(f"a day range may only use mon..sun, got {item.strip()!r}")
        lo, hi = _WEEKDAY_INDEX[first], _WEEKDAY_INDEX[last]
        if lo >= hi:
            raise ValueError(f"a day range must go forward within mon..sun: {item.strip()!r}")
        days.extend(_WEEKDAYS[lo : hi + 1])
    return days


def _parse_line(text: str) -> list[Rule]:
    m = _LINE_RE.fullmatch(text)
    if m is None:
        raise ValueError(
            "expected '<days> HH:MM-HH:MM [break HH:MM-HH:MM, ...]', got " + repr(text)
        )
    days = _parse_days(m["days"])
    span = _parse_span(m["hours"])
    breaks: tuple[Interval, ...] = ()
    if m["breaks"] is not None:
        breaks = tuple(_parse_span(part) for part in m["breaks"].split(","))
    return [Rule(day, span.start, span.end, breaks) for day in days]


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Parse the text form (see the module docstring) into rules, one per selected day in
    the written order. Raises :class:`HoursSyntaxError` naming the first bad line."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split("#", 1)[0].translate(_DASHES).lower().split())
        if not line:
            continue
        try:
            rules.extend(_parse_line(line))
        except (ValueError, TypeError) as exc:
            raise HoursSyntaxError(number, str(exc)) from exc
    return tuple(rules)


def _format_time(t: time) -> str:
    if t.microsecond:
        return t.strftime("%H:%M:%S.%f")
    if t.second:
        return t.strftime("%H:%M:%S")
    return t.strftime("%H:%M")


def _format_days(days: list[DaySelector]) -> str:
    items: list[str] = []
    i = 0
    while i < len(days):
        j = i
        if days[i] in _WEEKDAY_INDEX:
            while (
                j + 1 < len(days)
                and days[j + 1] in _WEEKDAY_INDEX
                and _WEEKDAY_INDEX[days[j + 1]] == _WEEKDAY_INDEX[days[j]] + 1
            ):
                j += 1
        items.append(days[i].value if j == i else f"{days[i].value}-{days[j].value}")
        i = j + 1
    return ",".join(items)


def format_rules(rules: Iterable[Rule]) -> str:
    """The text form of ``rules``: consecutive rules with identical hours and breaks share
    a line. ``parse_rules(format_rules(rules)) == tuple(rules)``."""
    lines: list[str] = []
    group: list[Rule] = []

    def flush() -> None:
        if not group:
            return
        head = group[0]
        line = (
            f"{_format_days([r.day for r in group])} "
            f"{_format_time(head.opens)}-{_format_time(head.closes)}"
        )
        if head.breaks:
            spans = ", ".join(f"{_format_time(b.start)}-{_format_time(b.end)}" for b in head.breaks)
            line += f" break {spans}"
        lines.append(line)
        group.clear()

    for rule in rules:
        if group and (rule.opens, rule.closes, rule.breaks) != (
            group[0].opens,
            group[0].closes,
            group[0].breaks,
        ):
            flush()
        group.append(rule)
    flush()
    return "\n".join(lines)
