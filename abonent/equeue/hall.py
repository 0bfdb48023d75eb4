"""Reads of the queue's staff pages and their API (Q-3..Q-6): the state of one window for
its operator's console, and the hall at a glance for the hall administrator. Each is a fixed
number of queries, however many tickets wait."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.core.auth import has_role
from abonent.core.models import Office, Service, StaffProfile, Window
from abonent.core.roles import Role
from abonent.core.schedules import OpenStatus, schedules_with_exceptions, status_of
from abonent.equeue import services
from abonent.equeue.models import (
    Action,
    Decision,
    Dispute,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from abonent.equeue.stats import AUTO_NOTE
from abonent.workdays.services import get_calendar

LOG_ACTIONS = (Action.FINISHED, Action.NO_SHOW, Action.TRANSFERRED)


def step_note(event: TicketEvent) -> str:
    """A step's note as the ticket's history shows it: the settled dispute's decision and
    the closing of past days in words, never their stored codes."""
    if event.note == AUTO_NOTE:
        return str(_("Closed automatically at the end of the day"))
    if event.action == Action.RESOLVED and event.note in Decision.values:
        return str(Decision(event.note).label)
    return event.note


# ---------------------------------------------------------------- who sees what


def profile_of(user: Any) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffProfile.objects.filter(user_id=user.pk).select_related("office", "window").first()


def can_use_window(user: Any, window: Window, profile: StaffProfile | None) -> bool:
    """The console of a window: the employee seated there, or a superuser."""
    if getattr(user, "is_superuser", False):
        return True
    return profile is not None and profile.window_id == window.pk


def can_see_hall(user: Any) -> bool:
    return has_role(user, Role.HALL_ADMIN, Role.HEAD)


def can_switch_office(user: Any) -> bool:
    """A hall administrator and the head see their own office (``services.may_view_office``,
    the statistics' rule for the head too); superusers look at any."""
    return bool(getattr(user, "is_superuser", False))


def can_act_in_hall(user: Any) -> bool:
    return has_role(user, Role.HALL_ADMIN)


def hall_office_for(user: Any, code: str | None, profile: StaffProfile | None) -> Office | None:
    """The office whose hall this user may see: their own, or the asked one when they may
    switch. None when there is none."""
    offices = Office.objects.filter(is_active=True, has_queue=True)
    if code and can_switch_office(user):
        return offices.filter(code=code).first()
    if profile is not None and profile.office_id is not None:
        own = offices.filter(pk=profile.office_id).first()
        if own is not None:
            return own
    if can_switch_office(user):
        return offices.first()
    return None


# ---------------------------------------------------------------- hours in bulk


def _statuses(
    office: Office, windows: list[Window], at: datetime
) -> tuple[OpenStatus, dict[int, OpenStatus]]:
    """The office's and its windows' open status in two queries: a window without its own
    schedule keeps the office's hours."""
    cal = get_calendar(around=timezone.localdate(at))
    office_hours = None
    own: dict[int, Any] = {}
    for sch in schedules_with_exceptions().filter(Q(office=office) | Q(window__in=windows)):
        if sch.office_id:
            office_hours = sch.as_hours()
        elif sch.window_id:
            own[sch.window_id] = sch.as_hours()
    ost = status_of(office_hours, at, cal)
    by_window = {w.pk: status_of(own[w.pk], at, cal) if w.pk in own else ost for w in windows}
    return ost, by_window


def window_state(office_status: OpenStatus, own: OpenStatus, window: Window) -> str:
    """``open``, ``break`` (the office works, the window does not) or ``closed``."""
    if not window.is_active or not office_status.open_now:
        return "closed"
    return "open" if own.open_now else "break"


# ---------------------------------------------------------------- the console


@dataclass
class ServiceLine:
    service: Service
    waiting: int


@dataclass
class Current:
    ticket: Ticket
    step: int | None
    transfer: TicketEvent | None
    dispute_open: bool
    no_show_at: datetime | None
    no_show_in: int  # seconds until a no-show may be marked, 0 when it may


@dataclass
class Console:
    window: Window
    at: datetime
    office_status: OpenStatus
    own_status: OpenStatus
    state: str
    lines: list[ServiceLine]
    redirected_here: list[Ticket]
    current: Current | None
    log: list[TicketEvent]
    services: list[Service] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)

    def signature(self) -> str:
        """What the current-ticket fragment shows: unchanged, the refresh keeps it."""
        cur = self.current
        if cur is None:
            return f"{self.state}:none"
        return f"{self.state}:{cur.step}:{int(cur.no_show_in == 0)}"


def last_step(ticket_id: int) -> int | None:
    return (
        TicketEvent.objects.filter(ticket_id=ticket_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def current_of(window: Window, at: datetime) -> Current | None:
    ticket = (
        Ticket.objects.filter(window=window, status__in=(Status.CALLED, Status.SERVING))
        .select_related("service")
        .order_by("-called_at")
        .first()
    )
    if ticket is None:
        return None
    transfer = (
        TicketEvent.objects.filter(ticket=ticket, action=Action.TRANSFERRED)
        .select_related("from_service", "from_window", "to_service", "to_window", "actor")
        .order_by("-at", "-id")
        .first()
    )
    dispute_open = (
        transfer is not None
        and Dispute.objects.filter(ticket=ticket, resolved_at__isnull=True).exists()
    )
    no_show_at = ticket.called_at + services.no_show_grace() if ticket.called_at else None
    wait = 0
    if ticket.status == Status.CALLED and no_show_at is not None and no_show_at > at:
        wait = int((no_show_at - at).total_seconds()) + 1
    return Current(
        ticket=ticket,
        step=last_step(ticket.pk),
        transfer=transfer,
        dispute_open=dispute_open,
        no_show_at=no_show_at,
        no_show_in=wait,
    )


def console(window_id: int, *, with_forms: bool = True) -> Console | None:
    at = services.now()
    window = Window.objects.select_related("office").filter(pk=window_id).first()
    if window is None:
        return None
    day = timezone.localdate(at)
    own_services = list(window.services.filter(is_active=True))
    counts = dict(
        Ticket.objects.filter(
            office_id=window.office_id,
            day=day,
            status=Status.WAITING,
            service__in=own_services,
            target_window__isnull=True,
        )
        .values_list("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    redirected = list(
        Ticket.objects.filter(day=day, status=Status.WAITING, target_window=window)
        .select_related("service")
        .order_by("issued_at", "id")
    )
    log = list(
        TicketEvent.objects.filter(window=window, at__date=day, action__in=LOG_ACTIONS)
        .select_related("ticket__service", "to_service", "to_window")
        .order_by("-at", "-id")
    )
    ost, by_window = _statuses(window.office, [window], at)
    result = Console(
        window=window,
        at=at,
        office_status=ost,
        own_status=by_window[window.pk],
        state=window_state(ost, by_window[window.pk], window),
        lines=[ServiceLine(service=s, waiting=counts.get(s.pk, 0)) for s in own_services],
        redirected_here=redirected,
        current=current_of(window, at),
        log=log,
    )
    if with_forms:
        result.services = list(Service.objects.filter(office_id=window.office_id, is_active=True))
        result.windows = list(
            Window.objects.filter(office_id=window.office_id, is_active=True).exclude(pk=window.pk)
        )
    return result


# ---------------------------------------------------------------- the hall


@dataclass
class WaitingLine:
    ticket: Ticket
    wait_minutes: int


@dataclass
class ServiceQueue:
    service: Service
    waiting: list[WaitingLine]


@dataclass
class WindowLine:
    window: Window
    state: str
    next_open: datetime | None
    staff: list[StaffProfile]
    current: Ticket | None


@dataclass
class Hall:
    office: Office
    at: datetime
    office_status: OpenStatus
    queues: list[ServiceQueue]
    windows: list[WindowLine]
    disputes: list[Dispute]


def call_order_key(t: Ticket) -> tuple[int, int, datetime, int]:
    """Redirected to a window first, then priority, then the oldest: the order in which the
    windows will call them (the fairness streak of ``services`` aside)."""
    return (
        0 if t.target_window_id else 1,
        0 if t.priority != Priority.NONE else 1,
        t.issued_at,
        t.pk,
    )


def hall(office: Office) -> Hall:
    at = services.now()
    day = timezone.localdate(at)
    office_services = list(Service.objects.filter(office=office, is_active=True))
    tickets = list(
        Ticket.objects.filter(office=office, day=day, status=Status.WAITING)
        .select_related("service", "target_window")
        .order_by("issued_at", "id")
    )
    by_service: dict[int, list[WaitingLine]] = {s.pk: [] for s in office_services}
    for t in sorted(tickets, key=call_order_key):
        minutes = max(int((at - t.issued_at).total_seconds() // 60), 0)
        by_service.setdefault(t.service_id, []).append(WaitingLine(ticket=t, wait_minutes=minutes))
    windows = list(
        Window.objects.filter(office=office)
        .order_by("number")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("code")))
    )
    staff: dict[int, list[StaffProfile]] = {}
    for p in StaffProfile.objects.filter(window__in=windows).select_related("user"):
        assert p.window_id is not None
        staff.setdefault(p.window_id, []).append(p)
    current = {
        t.window_id: t
        for t in Ticket.objects.filter(
            window__in=windows, status__in=(Status.CALLED, Status.SERVING)
        ).select_related("service")
    }
    ost, by_window = _statuses(office, windows, at)
    disputes = list(
        # Today's only: the closing of past days settles the others (closing.py).
        Dispute.objects.filter(ticket__office=office, ticket__day=day, resolved_at__isnull=True)
        .select_related(
            "ticket__service",
            "opened_by",
            "transfer__from_service",
            "transfer__to_service",
            "transfer__from_window",
            "transfer__to_window",
        )
        .order_by("opened_at", "id")
    )
    return Hall(
        office=office,
        at=at,
        office_status=ost,
        queues=[ServiceQueue(service=s, waiting=by_service.get(s.pk, [])) for s in office_services],
        windows=[
            WindowLine(
                window=w,
                state=window_state(ost, by_window[w.pk], w),
                next_open=by_window[w.pk].next_open,
                staff=staff.get(w.pk, []),
                current=current.get(w.pk),
            )
            for w in windows
        ],
        disputes=disputes,
    )
