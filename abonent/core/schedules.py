"""Reads over opening hours: "open at moment T?" and "next opening after T" for an office,
a service, a window or a department (the contact centre), honouring the working-day
calendar (public holidays, carry-overs, decreed transfers and staff overrides)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from abonent.core import hours
from abonent.core.models import Department, Office, Schedule, ScheduleException, Service, Window
from abonent.workdays.calendar import DayReason, WorkCalendar
from abonent.workdays.services import get_calendar

Owner = Office | Service | Window | Department


@dataclass(frozen=True)
class OpenStatus:
    open_now: bool
    next_open: datetime | None
    closes_at: datetime | None


def schedules_with_exceptions() -> QuerySet[Schedule]:
    return Schedule.objects.prefetch_related(
        Prefetch("exceptions", queryset=ScheduleException.objects.order_by("day"))
    )


def _own_schedule(owner: Owner) -> Schedule | None:
    field = {Office: "office", Service: "service", Window: "window", Department: "department"}[
        type(owner)
    ]
    return schedules_with_exceptions().filter(**{field: owner}).first()


def effective_hours(owner: Owner, inherited: hours.Hours | None = None) -> hours.Hours | None:
    """The owner's own schedule, else the one it inherits: window → its office; service →
    its office (``inherited``, when the caller has it already). A window's own schedule
    carries its sliding lunch break."""
    own = _own_schedule(owner)
    if own is not None:
        return own.as_hours()
    if isinstance(owner, Window | Service):
        return inherited if inherited is not None else effective_hours(owner.office)
    return None


_DAY_TYPES = {
    DayReason.WEEKDAY: hours.DayType.WORKING,
    DayReason.TRANSFER_WORKING: hours.DayType.WORKING,
    DayReason.WEEKEND: hours.DayType.WEEKEND,
    DayReason.HOLIDAY: hours.DayType.DAY_OFF,
    DayReason.CARRIED_OVER: hours.DayType.DAY_OFF,
    DayReason.TRANSFER_OFF: hours.DayType.DAY_OFF,
}


def day_types(cal: WorkCalendar) -> Callable[[date], hours.DayType]:
    """The calendar as the hours evaluator reads it: a holiday on a Saturday closes a
    service centre that is otherwise open on Saturdays."""

    def of(d: date) -> hours.DayType:
        info = cal.day(d)
        if info.reason == DayReason.OVERRIDE:
            return hours.DayType.WORKING if info.working else hours.DayType.DAY_OFF
        return _DAY_TYPES[info.reason]

    return of


def status_of(h: hours.Hours | None, at: datetime, cal: WorkCalendar) -> OpenStatus:
    if h is None:
        return OpenStatus(open_now=False, next_open=None, closes_at=None)
    is_working = day_types(cal)
    now_open = hours.is_open(h, at, is_working)
    return OpenStatus(
        open_now=now_open,
        next_open=hours.next_opening(h, at, is_working),
        closes_at=hours.current_interval_end(h, at, is_working) if now_open else None,
    )


class StatusMemo:
    """``status_of`` for the busiest callers (call-next, the IVR's menus), remembered per
    key while the same hours and calendar objects (a snapshot's, until it reloads) hold and
    the moment stays within the span the status holds for: from when it was worked out
    until the current interval ends (open) or the next opening (closed). Within that span
    ``status_of`` gives the same answer, so the memo changes no answer, only its cost."""

    def __init__(self) -> None:
        self._held: dict[object, tuple[Any, WorkCalendar, datetime, datetime, OpenStatus]] = {}

    def status(
        self, key: object, h: hours.Hours | None, at: datetime, cal: WorkCalendar
    ) -> OpenStatus:
        held = self._held.get(key)
        if held is not None:
            held_hours, held_cal, since, ends, remembered = held
            if held_hours is h and held_cal is cal and since <= at < ends:
                return remembered
        status = status_of(h, at, cal)
        until: datetime | None = status.closes_at if status.open_now else status.next_open
        if h is not None and until is not None:
            if len(self._held) > 10_000:  # keys are windows and the like: a few hundred
                self._held.clear()
            self._held[key] = (h, cal, at, until, status)
        return status


def owner_status(owner: Owner, at: datetime, cal: WorkCalendar | None = None) -> OpenStatus:
    cal = cal or get_calendar(around=at.date())
    return status_of(effective_hours(owner), at, cal)


def office_statuses(at: datetime) -> list[tuple[Office, OpenStatus]]:
    """Every active office with its status: a fixed number of queries for any count."""
    cal = get_calendar(around=at.date())
    offices = list(Office.objects.filter(is_active=True))
    by_office = {
        s.office_id: s.as_hours() for s in schedules_with_exceptions().filter(office__in=offices)
    }
    return [(o, status_of(by_office.get(o.pk), at, cal)) for o in offices]


def department_status(code: str, at: datetime) -> OpenStatus | None:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        return None
    return owner_status(dept, at)
