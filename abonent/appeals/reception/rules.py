"""Pure rules of the reception schedule (no ORM): which slots the weekly hours give on which
days. Public holidays and days off have no reception (ORG-4); the calendar decides."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from abonent.workdays.calendar import TIMEZONE


@dataclass(frozen=True)
class HoursLine:
    """One line of the published schedule, as plain data."""

    official_id: int
    hours_id: int
    weekday: int  # 0 = Monday
    starts: time
    ends: time
    slot_minutes: int
    place_ru: str
    place_kk: str


@dataclass(frozen=True)
class PlannedSlot:
    official_id: int
    hours_id: int
    starts_at: datetime
    ends_at: datetime
    place_ru: str
    place_kk: str

    @property
    def key(self) -> tuple[int, datetime]:
        return (self.official_id, self.starts_at)


def days_between(first: date, last: date) -> Iterator[date]:
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def slots_of_day(line: HoursLine, day: date) -> Iterator[PlannedSlot]:
    """Back-to-back slots of ``slot_minutes`` from the start; a remainder shorter than a
    slot at the end is not offered."""
    if line.slot_minutes <= 0:
        return
    step = timedelta(minutes=line.slot_minutes)
    cur = datetime.combine(day, line.starts, tzinfo=TIMEZONE)
    end = datetime.combine(day, line.ends, tzinfo=TIMEZONE)
    while cur + step <= end:
        yield PlannedSlot(
            official_id=line.official_id,
            hours_id=line.hours_id,
            starts_at=cur,
            ends_at=cur + step,
            place_ru=line.place_ru,
            place_kk=line.place_kk,
        )
        cur += step


def plan_slots(
    lines: Iterable[HoursLine],
    first: date,
    last: date,
    is_working_day: Callable[[date], bool],
) -> list[PlannedSlot]:
    """Every slot the hours give from ``first`` to ``last`` (inclusive), on working days
    only. Two lines of one official that overlap give the earlier line's slot once."""
    by_weekday: dict[int, list[HoursLine]] = {}
    for line in lines:
        by_weekday.setdefault(line.weekday, []).append(line)
    seen: set[tuple[int, datetime]] = set()
    out: list[PlannedSlot] = []
    for day in days_between(first, last):
        todays = by_weekday.get(day.weekday())
        if not todays or not is_working_day(day):
            continue
        for line in sorted(todays, key=lambda ln: (ln.official_id, ln.starts, ln.hours_id)):
            for slot in slots_of_day(line, day):
                if slot.key not in seen:
                    seen.add(slot.key)
                    out.append(slot)
    return out
