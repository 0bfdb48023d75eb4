"""API of the electronic queue (api.md "Electronic queue")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import Forbidden, NotFound
from abonent.core.lib.ratelimit import limit_request
from abonent.core.models import Office, Service, Window
from abonent.core.schedules import schedules_with_exceptions, status_of
from abonent.equeue import board as board_data
from abonent.equeue import hall, services
from abonent.equeue.models import Decision, Priority, Ticket
from abonent.equeue.models import Status as TicketStatus
from abonent.workdays.services import get_calendar

router = Router()
STAFF = [TokenAuth(), staff_session]


class OptionalAuth(TokenAuth):
    """The kiosk is public: no token is fine, a bad token is not."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get("Authorization", ""):
            return True
        return super().__call__(request)


class ServiceOut(Schema):
    code: str
    name: str
    open_now: bool
    next_open: datetime | None
    waiting: int


class WindowOut(Schema):
    id: int
    number: int
    services: list[str]


class OfficeOut(Schema):
    code: str
    name: str
    open_now: bool
    next_open: datetime | None
    services: list[ServiceOut]
    windows: list[WindowOut]


class TicketIn(Schema):
    office: str = Field(..., max_length=32)
    service: str = Field(..., max_length=32)
    priority: Priority = Priority.NONE


class TicketOut(Schema):
    id: int
    number: str
    office: str
    service: str
    status: str
    priority: str
    window: int | None
    target_window: int | None
    issued_at: datetime
    called_at: datetime | None
    comment: str
    position: int
    estimated_wait_minutes: int


class TransferIn(Schema):
    to_service: str | None = Field(None, max_length=32)
    to_window: int | None = None
    reason: str = Field(..., max_length=1000)


class DisputeIn(Schema):
    reason: str = Field(..., max_length=2000)


class ResolveIn(Schema):
    decision: Decision
    note: str = Field("", max_length=2000)


class DisputeOut(Schema):
    id: int
    ticket: int
    reason: str
    opened_at: datetime
    decision: str
    resolved_at: datetime | None


def ticket_out(ticket: Ticket) -> TicketOut:
    place = services.place_in_line(ticket)
    return TicketOut(
        id=ticket.pk,
        number=ticket.number,
        office=ticket.office.code,
        service=ticket.service.code,
        status=ticket.status,
        priority=ticket.priority,
        window=ticket.window.number if ticket.window else None,
        target_window=ticket.target_window.number if ticket.target_window else None,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        comment=ticket.comment,
        position=place.position,
        estimated_wait_minutes=place.estimated_wait_minutes,
    )


def _offices(at: datetime) -> list[OfficeOut]:
    """Every queue office with its services and windows in a fixed number of queries."""
    cal = get_calendar(around=timezone.localdate(at))
    offices = list(
        Office.objects.filter(is_active=True, has_queue=True).prefetch_related(
            Prefetch("services", queryset=Service.objects.filter(is_active=True)),
            Prefetch(
                "windows",
                queryset=Window.objects.filter(is_active=True).prefetch_related("services"),
            ),
        )
    )
    own: dict[tuple[str, int], Any] = {}
    for sch in schedules_with_exceptions().filter(
        Q(office__in=offices) | Q(service__office__in=offices)
    ):
        key = ("o", sch.office_id) if sch.office_id else ("s", sch.service_id)
        own[key] = sch.as_hours()  # type: ignore[index]
    waiting = dict(
        Ticket.objects.filter(
            office__in=offices, day=timezone.localdate(at), status=TicketStatus.WAITING
        )
        .values_list("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    out = []
    for o in offices:
        office_hours = own.get(("o", o.pk))
        ost = status_of(office_hours, at, cal)
        svc = []
        for s in o.services.all():
            st = status_of(own.get(("s", s.pk), office_hours), at, cal)
            svc.append(
                ServiceOut(
                    code=s.code,
                    name=s.name,
                    open_now=st.open_now,
                    next_open=st.next_open,
                    waiting=waiting.get(s.pk, 0),
                )
            )
        windows = [
            WindowOut(id=w.pk, number=w.number, services=[x.code for x in w.services.all()])
            for w in o.windows.all()
        ]
        out.append(
            OfficeOut(
                code=o.code,
                name=o.name,
                open_now=ost.open_now,
                next_open=ost.next_open,
                services=svc,
                windows=windows,
            )
        )
    return out


@router.get("/offices", response=list[OfficeOut], auth=None)
def list_offices(request: HttpRequest) -> list[OfficeOut]:
    return _offices(services.now())


@router.post("/tickets", response={201: TicketOut}, auth=OptionalAuth())
def issue(request: HttpRequest, body: TicketIn) -> Status[TicketOut]:
    """Q-2 kiosk; Q-3 a hall administrator issues on the consumer's behalf (and only
    they may give a priority)."""
    # Only a bearer token makes this call someone's: the session cookie is not checked
    # for CSRF here, so a cross-site POST must not act as the signed-in hall administrator.
    auth = getattr(request, "auth", None)
    actor: Any = auth if getattr(auth, "is_authenticated", False) else AnonymousUser()
    if not actor.is_authenticated:
        limit_request(request, "queue-ticket", limit=30, window_seconds=60)
    issued = services.issue_ticket(
        office_code=body.office,
        service_code=body.service,
        priority=body.priority,
        actor=actor,
    )
    return Status(201, ticket_out(issued.ticket))


@router.post("/windows/{window_id}/call-next", response={200: TicketOut, 204: None}, auth=STAFF)
def call_next(request: HttpRequest, window_id: int) -> Any:
    ticket = services.call_next_ticket(window=window_id, actor=request.user)
    if ticket is None:
        return HttpResponse(status=204)
    return ticket_out(ticket)


SIMPLE_ACTIONS = {
    "recall": services.recall_ticket,
    "start": services.start_ticket,
    "finish": services.finish_ticket,
    "no-show": services.mark_no_show,
}


def _simple(action: str) -> Any:
    def view(request: HttpRequest, ticket_id: int) -> TicketOut:
        return ticket_out(SIMPLE_ACTIONS[action](ticket_id=ticket_id, actor=request.user))

    view.__name__ = f"ticket_{action.replace('-', '_')}"
    return view


for _action in SIMPLE_ACTIONS:
    router.post(f"/tickets/{{ticket_id}}/{_action}", response=TicketOut, auth=STAFF)(
        _simple(_action)
    )


@router.post("/tickets/{ticket_id}/transfer", response=TicketOut, auth=STAFF)
def transfer(request: HttpRequest, ticket_id: int, body: TransferIn) -> TicketOut:
    ticket = services.transfer_ticket(
        ticket_id=ticket_id,
        to_service=body.to_service,
        to_window=body.to_window,
        reason=body.reason,
        actor=request.user,
    )
    return ticket_out(ticket)


def dispute_out(d: Any) -> DisputeOut:
    return DisputeOut(
        id=d.pk,
        ticket=d.ticket_id,
        reason=d.reason,
        opened_at=d.opened_at,
        decision=d.decision,
        resolved_at=d.resolved_at,
    )


@router.post("/tickets/{ticket_id}/dispute", response={201: DisputeOut}, auth=STAFF)
def dispute(request: HttpRequest, ticket_id: int, body: DisputeIn) -> Status[DisputeOut]:
    d = services.open_dispute(ticket_id=ticket_id, reason=body.reason, actor=request.user)
    return Status(201, dispute_out(d))


@router.post("/disputes/{dispute_id}/resolve", response=DisputeOut, auth=STAFF)
def resolve(request: HttpRequest, dispute_id: int, body: ResolveIn) -> DisputeOut:
    d = services.resolve_dispute(
        dispute_id=dispute_id, decision=body.decision, note=body.note, actor=request.user
    )
    return dispute_out(d)


# ---- the hall administrator (Q-3, Q-6) -------------------------------------------------


class PriorityIn(Schema):
    priority: Priority


class CancelIn(Schema):
    reason: str = Field(..., max_length=1000)


@router.post("/tickets/{ticket_id}/priority", response=TicketOut, auth=STAFF)
def set_priority(request: HttpRequest, ticket_id: int, body: PriorityIn) -> TicketOut:
    """Q-3: the hall administrator gives a waiting ticket a priority or takes it away."""
    ticket = services.set_priority(ticket_id=ticket_id, priority=body.priority, actor=request.user)
    return ticket_out(ticket)


@router.post("/tickets/{ticket_id}/cancel", response=TicketOut, auth=STAFF)
def cancel(request: HttpRequest, ticket_id: int, body: CancelIn) -> TicketOut:
    """Q-3: the consumer has left; the waiting ticket is closed."""
    ticket = services.cancel_ticket(ticket_id=ticket_id, reason=body.reason, actor=request.user)
    return ticket_out(ticket)


class HallTicketOut(Schema):
    id: int
    number: str
    priority: str
    issued_at: datetime
    wait_minutes: int
    target_window: int | None


class HallQueueOut(Schema):
    service: str
    name: str
    waiting: list[HallTicketOut]


class HallCurrentOut(Schema):
    id: int
    number: str
    status: str
    service: str


class HallWindowOut(Schema):
    id: int
    number: int
    services: list[str]
    state: str
    next_open: datetime | None
    staff: list[str]
    current: HallCurrentOut | None


class HallDisputeOut(Schema):
    id: int
    ticket: int
    number: str
    reason: str
    opened_at: datetime
    opened_by: str
    from_service: str | None
    to_service: str | None
    from_window: int | None
    to_window: int | None


class HallOut(Schema):
    office: str
    open_now: bool
    queues: list[HallQueueOut]
    windows: list[HallWindowOut]
    disputes: list[HallDisputeOut]


def _hall_out(h: hall.Hall) -> HallOut:
    def num(w: Any) -> int | None:
        return w.number if w is not None else None

    def code(s: Any) -> str | None:
        return s.code if s is not None else None

    return HallOut(
        office=h.office.code,
        open_now=h.office_status.open_now,
        queues=[
            HallQueueOut(
                service=q.service.code,
                name=q.service.name,
                waiting=[
                    HallTicketOut(
                        id=line.ticket.pk,
                        number=line.ticket.number,
                        priority=line.ticket.priority,
                        issued_at=line.ticket.issued_at,
                        wait_minutes=line.wait_minutes,
                        target_window=num(line.ticket.target_window),
                    )
                    for line in q.waiting
                ],
            )
            for q in h.queues
        ],
        windows=[
            HallWindowOut(
                id=w.window.pk,
                number=w.window.number,
                services=[s.code for s in w.window.services.all()],
                state=w.state,
                next_open=w.next_open,
                staff=[p.user.get_username() for p in w.staff],
                current=HallCurrentOut(
                    id=w.current.pk,
                    number=w.current.number,
                    status=w.current.status,
                    service=w.current.service.code,
                )
                if w.current is not None
                else None,
            )
            for w in h.windows
        ],
        disputes=[
            HallDisputeOut(
                id=d.pk,
                ticket=d.ticket_id,
                number=d.ticket.number,
                reason=d.reason,
                opened_at=d.opened_at,
                opened_by=d.opened_by.get_username(),
                from_service=code(d.transfer.from_service),
                to_service=code(d.transfer.to_service),
                from_window=num(d.transfer.from_window),
                to_window=num(d.transfer.to_window),
            )
            for d in h.disputes
        ],
    )


@router.get("/offices/{office}/hall", response=HallOut, auth=STAFF)
def hall_snapshot(request: HttpRequest, office: str) -> HallOut:
    """Staff (hall administrator of the office, the head, superusers): every service's
    waiting tickets in call order, every window with its state and current ticket, and
    the open disputes."""
    if not hall.can_see_hall(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    found = services.office_for(office)
    if not services.may_view_office(request.user, found.pk):
        raise Forbidden(_("This is not your office."), code="not_your_office")
    return _hall_out(hall.hall(found))


class CallingOut(Schema):
    number: str
    window: int
    called_at: datetime


class BoardOut(Schema):
    office: str
    calling: list[CallingOut]
    waiting: int
    open_now: bool
    next_open: datetime | None


@router.get("/offices/{office}/board", response=BoardOut, auth=None)
def board(request: HttpRequest, office: str) -> dict[str, Any]:
    """Public (Q-4): today's calls, newest first, with their window numbers, how many wait,
    and whether the office is open now (else when it opens) — ticket numbers only, nothing
    about the consumers. Displays poll it when their live stream
    (``.../board/stream``, abonent.equeue.board) is down."""
    limit_request(request, "queue-board", limit=600, window_seconds=60)
    found = board_data.office_info(office)
    if found is None:
        raise NotFound(_("Unknown office."))
    return board_data.snapshot(found)
