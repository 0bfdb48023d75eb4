"""Reads of the reception schedule: the public schedule (W-7, no consumer data) and the
staff board of slots. A fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from abonent.appeals.reception.models import (
    Booking,
    ReceptionHours,
    ReceptionOfficial,
    ReceptionSlot,
)
from abonent.core.models import Office, OfficeKind
from abonent.workdays.calendar import TIMEZONE

FREE_SLOTS_DAYS = 14
MAX_BOARD_DAYS = 62


@dataclass
class OfficialSchedule:
    official: ReceptionOfficial
    hours: list[ReceptionHours]
    free_slots: int


def public_schedule(now: datetime | None = None) -> list[OfficialSchedule]:
    """Active officials with their active hours, and the free slots of the next two weeks
    per official: three queries."""
    now = now or timezone.now()
    officials = list(
        ReceptionOfficial.objects.filter(is_active=True, hours__is_active=True)
        .distinct()
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "hours",
                queryset=ReceptionHours.objects.filter(is_active=True).order_by(
                    "weekday", "starts"
                ),
                to_attr="active_hours",
            )
        )
    )
    counts = dict(
        ReceptionSlot.objects.free()
        .filter(
            official__in=[o.pk for o in officials],
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=FREE_SLOTS_DAYS),
        )
        .values("official_id")
        .annotate(n=Count("id"))
        .values_list("official_id", "n")
    )
    return [
        OfficialSchedule(official=o, hours=o.active_hours, free_slots=counts.get(o.pk, 0))  # type: ignore[attr-defined]
        for o in officials
    ]


def central_office() -> Office | None:
    """Where written appeals are handed in (the Chancellery) and whose phone takes
    sign-ups by phone."""
    return (
        Office.objects.filter(kind=OfficeKind.CENTRAL_OFFICE, is_active=True)
        .order_by("ordering", "code")
        .first()
    )


@dataclass
class BoardSlot:
    slot: ReceptionSlot
    booking: Booking | None

    @property
    def free(self) -> bool:
        return self.booking is None and self.slot.is_open


@dataclass
class BoardDay:
    official: ReceptionOfficial
    slots: list[BoardSlot] = field(default_factory=list)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=TIMEZONE),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=TIMEZONE),
    )


def board_slots(*, first: date, last: date, official_id: int | None = None) -> list[BoardSlot]:
    """Slots from ``first`` to ``last`` with their active booking and its appeal: two
    queries."""
    since, until = day_bounds(first, last)
    qs = (
        ReceptionSlot.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .select_related("official__department")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.active().select_related("appeal"),
                to_attr="active_bookings",
            )
        )
        .order_by("starts_at", "official__ordering", "official_id")
    )
    if official_id is not None:
        qs = qs.filter(official_id=official_id)
    out = []
    for slot in qs:
        active = slot.active_bookings  # type: ignore[attr-defined]
        out.append(BoardSlot(slot=slot, booking=active[0] if active else None))
    return out
