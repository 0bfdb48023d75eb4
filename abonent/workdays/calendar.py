"""Kazakhstan working-day calendar and deadline arithmetic (pure functions, no Django).

A working day is Monday to Friday, minus public holidays and their weekend carry-overs,
minus days off moved by government decree, plus the weekend days such a decree made
working. Religious days off (Orthodox Christmas, the first day of Kurban Ait) are days off
but are not carried over when they fall on a weekend. Staff overrides win over everything.

Holiday data come from the ``holidays`` package. Each day is classified structurally:

* carry-overs are the dates present with ``observed=True`` but absent with ``observed=False``;
* decreed days off are the target dates of the package's substituted special holidays;
* decreed working days are the package's ``weekend_workdays`` (plus the rare weekday
  source of a substitution that was itself a carried-over day off).

Deadline conventions (see the module functions for details):

* working-day terms: the start day is day 0; the term ends on the N-th working day strictly
  after the start;
* calendar-day terms: start + N days, moved forward to the next working day if needed; the
  unmoved date is kept in :class:`Term`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "END_OF_WORKING_DAY",
    "MAX_CALENDAR_DAYS",
    "MAX_DATE",
    "MAX_WORKING_DAYS",
    "MIN_DATE",
    "TIMEZONE",
    "CalendarRangeError",
    "DayInfo",
    "DayReason",
    "InvalidTermError",
    "Override",
    "Term",
    "WorkCalendar",
    "add_calendar_days",
    "add_working_days",
    "is_working_day",
    "registration_date",
]

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_WORKING_DAYS = 366
MAX_CALENDAR_DAYS = 1000
TIMEZONE = ZoneInfo("Asia/Almaty")
END_OF_WORKING_DAY = time(18, 0)

_SATURDAY = 5


class CalendarRangeError(ValueError):
    """A date (given or computed) lies outside ``MIN_DATE``..``MAX_DATE``."""


class InvalidTermError(ValueError):
    """A term length is not positive or exceeds the allowed maximum."""


class DayReason(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    CARRIED_OVER = "carried_over"
    TRANSFER_OFF = "transfer_off"
    TRANSFER_WORKING = "transfer_working"
    OVERRIDE = "override"


@dataclass(frozen=True)
class Override:
    """A staff decision making ``day`` working or non-working, with its legal basis."""

    day: date
    working: bool
    basis: str = ""


@dataclass(frozen=True)
class DayInfo:
    """Classification of one day. ``name`` is the holiday's English name, the override's
    basis, or an empty string."""

    day: date
    working: bool
    reason: DayReason
    name: str


@dataclass(frozen=True)
class Term:
    """A deadline: ``due`` is the effective last day, ``unadjusted_due`` the date before it
    was moved to a working day (equal to ``due`` when nothing moved)."""

    due: date
    unadjusted_due: date

    def __post_init__(self) -> None:
        if self.due < self.unadjusted_due:
            raise ValueError("a term's due date cannot precede its unadjusted due date")

    @property
    def moved(self) -> bool:
        return self.due != self.unadjusted_due


# --------------------------------------------------------------------------- validation


def _check_date(d: object, what: str = "date") -> date:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{what} must be a datetime.date (not a datetime), got {d!r}")
    if not MIN_DATE <= d <= MAX_DATE:
        raise CalendarRangeError(f"{what} {d.isoformat()} is outside {MIN_DATE}..{MAX_DATE}")
    return d


def _check_result(ordinal: int) -> date:
    if not MIN_DATE.toordinal() <= ordinal <= MAX_DATE.toordinal():
        raise CalendarRangeError(f"the resulting date is outside {MIN_DATE}..{MAX_DATE}")
    return date.fromordinal(ordinal)


def _check_count(n: object, maximum: int, unit: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of {unit} must be an int, got {n!r}")
    if not 0 < n <= maximum:
        raise InvalidTermError(f"the number of {unit} must be between 1 and {maximum}, got {n}")
    return n


# --------------------------------------------------------------------------- year data


@dataclass(frozen=True)
class _YearData:
    """Precomputed flags for one year: ``working[i]`` for the i-th day of the year and
    ``cum[i]`` = number of working days among the first i days (``len(cum) == days + 1``)."""

    first_ordinal: int
    working: bytes
    cum: tuple[int, ...]
    special: Mapping[date, DayInfo]


def _cumulate(working: bytes) -> tuple[int, ...]:
    cum = [0] * (len(working) + 1)
    total = 0
    for i, flag in enumerate(working):
        total += flag
        cum[i + 1] = total
    return tuple(cum)


def _substitutions(hol: Any, year: int) -> list[tuple[date, date]]:
    """(to_date, from_date) pairs of the days off moved by decree in ``year``.

    Read from the package's special public holidays, where a substituted entry is
    ``(to_month, to_day, from_month, from_day[, from_year])`` and a plain special holiday is
    ``(month, day, name)``; an entry list may be a single tuple or a tuple of tuples."""
    raw = getattr(hol, "special_public_holidays", {}).get(year, ())
    entries: tuple[Any, ...] = (raw,) if raw and isinstance(raw[0], int) else tuple(raw)
    pairs: list[tuple[date, date]] = []
    for entry in entries:
        if len(entry) in (4, 5) and all(isinstance(part, int) for part in entry):
            from_year = entry[4] if len(entry) == 5 else year
            pairs.append((date(year, entry[0], entry[1]), date(from_year, entry[2], entry[3])))
    return pairs


@lru_cache(maxsize=256)
def _holiday_year(year: int) -> _YearData:
    """Year data from the ``holidays`` package alone (no overrides); cached per year."""
    observed = holidays.country_holidays("KZ", years=year, language="en_US", expand=False)
    plain = holidays.country_holidays(
        "KZ", years=year, language="en_US", expand=False, observed=False
    )
    transfers = _substitutions(observed, year)
    transfer_off = {to_day for to_day, _ in transfers}

    special: dict[date, DayInfo] = {}
    for day, name in observed.items():
        if day.year != year:
            continue
        if day in transfer_off:
            reason = DayReason.TRANSFER_OFF
        elif day not in plain:
            reason = DayReason.CARRIED_OVER
        else:
            reason = DayReason.HOLIDAY
        special[day] = DayInfo(day=day, working=False, reason=reason, name=str(name))

    made_working = {d for d in observed.weekend_workdays if d.year == year}
    # A substitution whose source is a weekday that is no longer a day off (the package
    # removes it) makes that weekday working again: a decreed working day as well.
    made_working |= {src for _, src in transfers if src.year == year and src.weekday() < _SATURDAY}
    for day in made_working:
        if day.weekday() >= _SATURDAY or day not in observed:
            special[day] = DayInfo(
                day=day, working=True, reason=DayReason.TRANSFER_WORKING, name=""
            )

    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    flags = bytearray(1 if (first + timedelta(i)).weekday() < _SATURDAY else 0 for i in range(days))
    for day, info in special.items():
        flags[(day - first).days] = info.working
    working = bytes(flags)
    return _YearData(
        first_ordinal=first.toordinal(),
        working=working,
        cum=_cumulate(working),
        special=MappingProxyType(special),
    )


# --------------------------------------------------------------------------- calendar


class WorkCalendar:
    """The Kazakhstan working-day calendar with optional staff overrides.

    ``overrides`` is either a mapping ``{day: Override}`` (keys must equal ``Override.day``)
    or an iterable of :class:`Override`; the same day may not be overridden twice with
    different values."""

    __slots__ = ("_overrides", "_overrides_by_year", "_years")

    def __init__(self, overrides: Mapping[date, Override] | Iterable[Override] = ()) -> None:
        items: Iterable[Override]
        if isinstance(overrides, Mapping):
            for key, value in overrides.items():
                if not isinstance(value, Override):
                    raise TypeError(f"override values must be Override, got {value!r}")
                if key != value.day:
                    raise ValueError(f"override key {key} differs from its day {value.day}")
            items = overrides.values()
        else:
            items = overrides
        by_day: dict[date, Override] = {}
        for item in items:
            if not isinstance(item, Override):
                raise TypeError(f"overrides must be Override instances, got {item!r}")
            _check_date(item.day, "override day")
            known = by_day.get(item.day)
            if known is not None and known != item:
                raise ValueError(f"conflicting overrides for {item.day.isoformat()}")
            by_day[item.day] = item
        self._overrides: Mapping[date, Override] = MappingProxyType(by_day)
        by_year: dict[int, list[Override]] = {}
        for item in by_day.values():
            by_year.setdefault(item.day.year, []).append(item)
        self._overrides_by_year = by_year
        self._years: dict[int, _YearData] = {}

    def __repr__(self) -> str:
        return f"WorkCalendar(overrides={len(self._overrides)})"

    @property
    def overrides(self) -> Mapping[date, Override]:
        return self._overrides

    def _year(self, year: int) -> _YearData:
        data = self._years.get(year)
        if data is not None:
            return data
        base = _holiday_year(year)
        own = self._overrides_by_year.get(year)
        if own:
            flags = bytearray(base.working)
            for item in own:
                flags[item.day.toordinal() - base.first_ordinal] = item.working
            working = bytes(flags)
            base = _YearData(base.first_ordinal, working, _cumulate(working), base.special)
        self._years[year] = base
        return base

    # -- single days

    def day(self, d: date) -> DayInfo:
        """Classify ``d``: working or not, why, and the holiday name or override basis."""
        _check_date(d)
        item = self._overrides.get(d)
        if item is not None:
            return DayInfo(day=d, working=item.working, reason=DayReason.OVERRIDE, name=item.basis)
        info = _holiday_year(d.year).special.get(d)
        if info is not None:
            return info
        if d.weekday() >= _SATURDAY:
            return DayInfo(day=d, working=False, reason=DayReason.WEEKEND, name="")
        return DayInfo(day=d, working=True, reason=DayReason.WEEKDAY, name="")

    def is_working_day(self, d: date) -> bool:
        _check_date(d)
        data = self._year(d.year)
        return data.working[d.toordinal() - data.first_ordinal] == 1

    def next_working_day(self, d: date, *, inclusive: bool) -> date:
        """The first working day on or after ``d`` (``inclusive``) or strictly after it."""
        if inclusive and self.is_working_day(d):
            return d
        return self.add_working_days(d, 1)

    # -- terms

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start`` (working or not)."""
        _check_date(start, "start")
        _check_count(n, MAX_WORKING_DAYS, "working days")
        year = start.year
        data = self._year(year)
        offset = start.toordinal() - data.first_ordinal + 1  # first day counted
        needed = n
        while True:
            available = data.cum[-1] - data.cum[offset]
            if available >= needed:
                # smallest i >= offset with cum[i + 1] - cum[offset] == needed
                index = bisect_left(data.cum, data.cum[offset] + needed, lo=offset + 1) - 1
                return _check_result(data.first_ordinal + index)
            needed -= available
            year += 1
            if year > MAX_DATE.year:
                raise CalendarRangeError(f"the resulting date is outside {MIN_DATE}..{MAX_DATE}")
            data = self._year(year)
            offset = 0

    def add_calendar_days(self, start: date, n: int) -> Term:
        """``start`` + ``n`` calendar days, moved to the next working day if that day is not
        one; the unmoved date is kept as ``unadjusted_due``."""
        _check_date(start, "start")
        _check_count(n, MAX_CALENDAR_DAYS, "calendar days")
        unadjusted = _check_result(start.toordinal() + n)
        return Term(
            due=self.next_working_day(unadjusted, inclusive=True), unadjusted_due=unadjusted
        )

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days ``d`` with ``a < d <= b`` (0 when ``b <= a``)."""
        _check_date(a, "a")
        _check_date(b, "b")
        if b <= a:
            return 0
        first = self._year(a.year)
        last = self._year(b.year)
        total = sum(self._year(y).cum[-1] for y in range(a.year, b.year))
        return (
            total
            + last.cum[b.toordinal() - last.first_ordinal + 1]
            - first.cum[a.toordinal() - first.first_ordinal + 1]
        )

    def registration_date(
        self, received_at: datetime, *, end_of_day: time = END_OF_WORKING_DAY
    ) -> date:
        """The day an appeal received at ``received_at`` is registered: the local
        (Asia/Almaty) day of receipt if it is a working day and the appeal came before
        ``end_of_day``; otherwise the next working day. ``end_of_day`` itself is after."""
        if not isinstance(received_at, datetime):
            raise TypeError(f"received_at must be a datetime, got {received_at!r}")
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        if end_of_day.tzinfo is not None:
            raise ValueError("end_of_day must be a naive local time")
        local = received_at.astimezone(TIMEZONE)
        day = _check_date(local.date(), "local receipt date")
        after_hours = local.time() >= end_of_day
        return self.next_working_day(day, inclusive=not after_hours)


# --------------------------------------------------------------------------- shortcuts


def is_working_day(d: date, overrides: Mapping[date, Override] | Iterable[Override] = ()) -> bool:
    return WorkCalendar(overrides).is_working_day(d)


def add_working_days(
    start: date, n: int, overrides: Mapping[date, Override] | Iterable[Override] = ()
) -> date:
    return WorkCalendar(overrides).add_working_days(start, n)


def add_calendar_days(
    start: date, n: int, overrides: Mapping[date, Override] | Iterable[Override] = ()
) -> Term:
    return WorkCalendar(overrides).add_calendar_days(start, n)


def registration_date(
    received_at: datetime, overrides: Mapping[date, Override] | Iterable[Override] = ()
) -> date:
    return WorkCalendar(overrides).registration_date(received_at)
