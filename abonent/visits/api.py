"""Home visits API (api.md "Home visits"; V-1..V-4, D-2).

Staff (planners: head, senior operator, manager, sysadmin):
``POST /visits`` → 201 with ``notify_by`` (422 ``notice_too_late`` for a non-urgent visit
less than 5 working days ahead), ``GET /visits``, ``GET /visits/{id}``,
``POST /visits/{id}/reschedule`` (422 ``change_too_late`` less than 2 hours before the
agreed time unless a head overrides with ``override_reason``), ``POST /visits/{id}/cancel``,
``GET /visits/notices`` (due, overdue, failed). Employees (controller, engineer) and
planners: ``POST /visits/{id}/depart``, ``POST /visits/{id}/outcome``.
Public: ``GET /visits/verify?code=...`` (or ``employee_number=``) — the employee's name,
position and the visit's date and purpose, nothing about the consumer; 404 ``not_found``
for a wrong or expired code alike, 429 ``rate_limited``.
Integration: ``POST /visits/sms-status`` — delivery reports of the SMS gateway.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from abonent.core.auth import has_role
from abonent.core.errors import InvalidInput
from abonent.core.lib.ratelimit import client_ip
from abonent.core.roles import Role
from abonent.visits import access, queries, services, verification
from abonent.visits.models import Visit, VisitNotice
from abonent.workdays.calendar import TIMEZONE

router = Router()


class ErrorOut(Schema):
    code: str
    message: str


class VisitIn(Schema):
    address: str = Field(..., min_length=1, max_length=300)
    purpose: str = Field(..., description="meter_check, meter_seal, inspection, ...")
    reason: str = Field(..., min_length=1, max_length=2000)
    employees: list[str] = Field(..., min_length=1, max_length=4, description="Usernames.")
    starts_at: datetime
    ends_at: datetime
    urgent: bool = False
    urgency_reason: str = Field("", max_length=1000)
    contact_name: str = Field("", max_length=300)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    language: Literal["ru", "kk"] = "ru"
    account: str = Field("", max_length=20, description="Account number (optional).")
    appeal: str = Field("", max_length=20, description="Incoming number of the appeal.")
    print_letter: bool = True


class NoticeOut(Schema):
    id: int
    kind: str
    channel: str
    status: str
    due_at: datetime
    attempts: int
    sent_at: datetime | None
    delivered_at: datetime | None
    last_error: str


class EmployeeOut(Schema):
    username: str
    name: str
    position: str


class VisitOut(Schema):
    id: int
    status: str
    outcome: str
    purpose: str
    reason: str
    address: str
    contact_name: str
    phone: str
    email: str
    account: str | None
    appeal: str | None
    starts_at: datetime
    ends_at: datetime
    urgent: bool
    urgency_reason: str
    notify_by: datetime | None = Field(
        ..., description="The last moment the notice may go out (null for urgent visits)."
    )
    employees: list[EmployeeOut]
    notices: list[NoticeOut]


class RescheduleIn(Schema):
    starts_at: datetime
    ends_at: datetime
    override_reason: str = Field("", max_length=2000)


class ChangeOut(Schema):
    visit: VisitOut
    late: bool
    deadline: datetime


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class OutcomeIn(Schema):
    outcome: Literal["done", "consumer_absent", "refused_entry", "rescheduled"]
    notes: str = Field("", max_length=4000)


class VerifyEmployeeOut(Schema):
    name: str
    position: str
    employee_number: str
    photo_url: str | None


class VerifyOut(Schema):
    valid: bool
    organisation: str
    date: date
    time_from: str | None
    time_to: str | None
    purpose: str | None
    purpose_label: str | None
    employees: list[VerifyEmployeeOut]


class DeliveryIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=100)
    status: Literal["delivered", "failed"]
    error: str = Field("", max_length=500)


class NoticeRowOut(NoticeOut):
    visit: int
    to: str


def _l(at: datetime | None) -> datetime | None:
    """Times go out in Astana's offset (api.md: ISO 8601 with offset)."""
    return at.astimezone(TIMEZONE) if at is not None else None


def _notice_out(n: VisitNotice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        kind=n.kind,
        channel=n.channel,
        status=n.status,
        due_at=n.due_at.astimezone(TIMEZONE),
        attempts=n.attempts,
        sent_at=_l(n.sent_at),
        delivered_at=_l(n.delivered_at),
        last_error=n.last_error,
    )


def _visit_out(visit: Visit) -> VisitOut:
    assignments = list(visit.assignments.all())
    return VisitOut(
        id=visit.pk,
        status=visit.status,
        outcome=visit.outcome,
        purpose=visit.purpose,
        reason=visit.reason,
        address=visit.address,
        contact_name=visit.contact_name,
        phone=visit.phone,
        email=visit.email,
        account=visit.account.number if visit.account else None,
        appeal=visit.appeal.incoming_number if visit.appeal else None,
        starts_at=visit.starts_at.astimezone(TIMEZONE),
        ends_at=visit.ends_at.astimezone(TIMEZONE),
        urgent=visit.urgent,
        urgency_reason=visit.urgency_reason,
        notify_by=_l(visit.notify_by),
        employees=[
            EmployeeOut(
                username=a.employee.get_username(),
                name=queries.employee_name(a.employee),
                position=queries.employee_position(a.employee),
            )
            for a in assignments
        ],
        notices=[_notice_out(n) for n in visit.notices.all()],
    )


def _load(pk: int) -> Visit:
    return get_object_or_404(queries.visits_with_details(), pk=pk)


def _planner(request: HttpRequest) -> None:
    if not access.is_planner(request.user):
        raise PermissionDenied


@router.post("", response={201: VisitOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def plan(request: HttpRequest, body: VisitIn) -> Status[VisitOut]:
    _planner(request)
    visit = services.plan_visit(data=services.VisitInput(**body.dict()), actor=request.user)
    return Status(201, _visit_out(_load(visit.pk)))


@router.get("", response={200: list[VisitOut], 403: ErrorOut})
def list_visits(
    request: HttpRequest, day: date | None = None, employee: str = ""
) -> list[VisitOut]:
    _planner(request)
    if day is not None and not queries.valid_day(day):
        message = _("Choose a day between %(first)s and %(last)s.") % {
            "first": queries.FIRST_DAY.isoformat(),
            "last": queries.LAST_DAY.isoformat(),
        }
        raise InvalidInput(message, code="invalid_day", fields={"day": [message]})
    return [_visit_out(v) for v in queries.visits_of_day(day or queries.today(), employee)]


@router.get("/notices", response={200: list[NoticeRowOut], 403: ErrorOut})
def notices(
    request: HttpRequest, state: Literal["due", "overdue", "failed"] = "due"
) -> list[NoticeRowOut]:
    _planner(request)
    rows: list[VisitNotice] = list(queries.notices(state)[:500])
    return [
        NoticeRowOut(
            visit=n.visit_id,
            to=n.to,
            **_notice_out(n).dict(),
        )
        for n in rows
    ]


@router.get(
    "/verify",
    auth=None,
    response={200: VerifyOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def verify(
    request: HttpRequest,
    code: str = Query("", max_length=20),  # type: ignore[type-arg]
    employee_number: str = Query("", max_length=50),  # type: ignore[type-arg]
) -> VerifyOut:
    """**Public.** Check the employee at the door by the visit code (or the service-ID
    number): the employee's name, position and photo, the organisation, the visit's date and
    purpose. Nothing about the consumer."""
    if not code.strip() and not employee_number.strip():
        message = _("Type the code from the notice or the number on the service ID.")
        raise InvalidInput(message, code="validation_error", fields={"code": [message]})
    result = verification.verify(
        code=code,
        employee_number=employee_number,
        ip=client_ip(request),
        channel="api",
    )
    return VerifyOut(
        valid=True,
        organisation=result.organisation,
        date=result.date,
        time_from=result.time_from,
        time_to=result.time_to,
        purpose=result.purpose,
        purpose_label=result.purpose_label,
        employees=[VerifyEmployeeOut(**e.__dict__) for e in result.employees],
    )


@router.post("/sms-status", response={200: dict[str, int], 403: ErrorOut})
def sms_status(request: HttpRequest, body: DeliveryIn) -> dict[str, int]:
    if not has_role(request.user, Role.INTEGRATION, Role.SYSADMIN):
        raise PermissionDenied
    changed = services.record_delivery(
        provider_id=body.message_id,
        delivered=body.status == "delivered",
        error=body.error,
        actor=request.user,
    )
    return {"updated": changed}


@router.get("/{visit_id}", response={200: VisitOut, 403: ErrorOut, 404: ErrorOut})
def detail(request: HttpRequest, visit_id: int) -> VisitOut:
    visit = _load(visit_id)
    if not access.is_planner(request.user) and not queries.is_assigned(visit, request.user):
        raise PermissionDenied
    return _visit_out(visit)


@router.post(
    "/{visit_id}/reschedule",
    response={200: ChangeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def reschedule(request: HttpRequest, visit_id: int, body: RescheduleIn) -> ChangeOut:
    _planner(request)
    change = services.reschedule_visit(
        visit=_load(visit_id),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        override_reason=body.override_reason,
        actor=request.user,
    )
    return ChangeOut(
        visit=_visit_out(_load(visit_id)),
        late=change.late,
        deadline=change.deadline.astimezone(TIMEZONE),
    )


@router.post(
    "/{visit_id}/cancel", response={200: VisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def cancel(request: HttpRequest, visit_id: int, body: CancelIn) -> VisitOut:
    _planner(request)
    services.cancel_visit(visit=_load(visit_id), reason=body.reason, actor=request.user)
    return _visit_out(_load(visit_id))


@router.post(
    "/{visit_id}/depart", response={200: VisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def depart(request: HttpRequest, visit_id: int) -> VisitOut:
    """The employee leaves for the visit; for an urgent visit the consumer is told now."""
    services.depart_visit(visit=_load(visit_id), actor=request.user)
    return _visit_out(_load(visit_id))


@router.post(
    "/{visit_id}/outcome",
    response={200: VisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def outcome(request: HttpRequest, visit_id: int, body: OutcomeIn) -> VisitOut:
    services.record_outcome(
        visit=_load(visit_id), outcome=body.outcome, notes=body.notes, actor=request.user
    )
    return _visit_out(_load(visit_id))
