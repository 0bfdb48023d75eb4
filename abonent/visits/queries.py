"""Reads of home visits: a day's visits per employee, notices due / overdue / failed, late
changes. Each list is a fixed number of queries, whatever its length."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from abonent.visits.models import (
    Channel,
    NoticeStatus,
    Visit,
    VisitChange,
    VisitEmployee,
    VisitNotice,
)
from abonent.workdays.calendar import TIMEZONE


def today() -> date:
    from abonent.visits.services import now

    return now().astimezone(TIMEZONE).date()


# Days a board or list may be asked for; beyond them (0001-01-01, 9999-12-31) the day's
# bounds and its neighbours overflow, and there are no visits anyway.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def valid_day(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=TIMEZONE)
    return start, start + timedelta(days=1)


def employee_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    name = profile.full_name if profile is not None else ""
    return name or user.get_full_name() or user.get_username()


def employee_position(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return profile.position if profile is not None else ""


def visits_with_details() -> QuerySet[Visit]:
    return Visit.objects.select_related("account", "appeal").prefetch_related(
        Prefetch(
            "assignments",
            queryset=VisitEmployee.objects.select_related("employee__profile"),
        ),
        Prefetch("notices", queryset=VisitNotice.objects.order_by("created_at", "id")),
    )


def visits_of_day(day: date, employee: str = "") -> QuerySet[Visit]:
    start, end = day_range(day)
    qs = visits_with_details().filter(starts_at__gte=start, starts_at__lt=end)
    if employee:
        qs = qs.filter(assignments__employee__username=employee)
    return qs.order_by("starts_at", "id")


def is_assigned(visit: Visit, user: Any) -> bool:
    return any(a.employee_id == getattr(user, "pk", None) for a in visit.assignments.all())


def by_employee(visits: list[Visit]) -> list[tuple[str, list[Visit]]]:
    """A day board: each employee with their visits in order."""
    groups: dict[str, list[Visit]] = {}
    for visit in visits:
        for a in visit.assignments.all():
            groups.setdefault(employee_name(a.employee), []).append(visit)
    return sorted(groups.items())


def notices(state: str) -> QuerySet[VisitNotice]:
    """``due``: queued, not yet past their deadline; ``overdue``: queued past it (for
    letters: not printed in time); ``failed``: failed on the channel (retrying or given up)."""
    from abonent.visits.services import now

    at = now()
    qs = VisitNotice.objects.select_related("visit")
    if state == "failed":
        # Failures that still matter: of an active visit, announcing its current time.
        return qs.filter(
            status=NoticeStatus.FAILED,
            visit__status__in=["planned", "departed"],
            starts_at=F("visit__starts_at"),
        ).order_by("due_at", "id")
    qs = qs.filter(status=NoticeStatus.QUEUED, visit__status__in=["planned", "departed"])
    if state == "overdue":
        return qs.filter(due_at__lt=at).order_by("due_at", "id")
    return qs.filter(due_at__gte=at).order_by("due_at", "id")


def letters_to_print() -> QuerySet[VisitNotice]:
    return (
        VisitNotice.objects.select_related("visit")
        .filter(
            channel=Channel.LETTER,
            status=NoticeStatus.QUEUED,
            visit__status__in=["planned", "departed"],
        )
        .order_by("due_at", "id")
    )


def late_changes(since: date) -> QuerySet[VisitChange]:
    start, _ = day_range(since)
    return (
        VisitChange.objects.select_related("visit", "changed_by")
        .filter(late=True, at__gte=start)
        .order_by("-at", "-id")
    )


def visits_with_failed_notices() -> QuerySet[Visit]:
    return (
        visits_with_details()
        .filter(Q(notices__status=NoticeStatus.FAILED), status__in=["planned", "departed"])
        .distinct()
    )
