"""Appeals endpoints (api.md "Appeals")."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, field_validator

from abonent.appeals import access, documents, services
from abonent.appeals.codes import ApplicantType, Channel, Kind
from abonent.appeals.models import Appeal, applicant_name
from abonent.appeals.queries import AppealFilter, journal_page
from abonent.appeals.rules import normalise_phone
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import InvalidInput, NotFound
from abonent.core.lib.ratelimit import limit_request

router = Router()
STAFF = [TokenAuth(), staff_session]
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class OptionalAuth(TokenAuth):
    """The web channel is public: no token is fine, a bad token is not."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return True
        return super().__call__(request)


class ApplicantIn(Schema):
    type: ApplicantType
    last_name: str = Field("", max_length=150)
    first_name: str = Field("", max_length=150)
    patronymic: str = Field("", max_length=150)
    postal_address: str = Field("", max_length=500)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    org_name: str = Field("", max_length=300)
    outgoing_number: str = Field("", max_length=64)
    outgoing_date: date | None = None
    signed: bool = False


class AppealIn(Schema):
    channel: Channel
    kind: Kind
    applicant: ApplicantIn
    text: str = Field(..., max_length=services.MAX_TEXT)
    topic: int | None = Field(None, ge=1, le=6)
    language: str | None = Field(None, pattern="^(kk|ru)$")
    office: str | None = Field(None, max_length=32)
    received_at: datetime | None = None
    needs_external_info: bool = False

    @field_validator("received_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-03-20T10:15:00+05:00")
        return v


class AdmissibilityOut(Schema):
    decision: str
    reasons: list[str]


class AppealCreated(Schema):
    id: int
    incoming_number: str
    registered_on: date
    received_at: datetime
    due_date: date
    status: str
    language: str
    access_code: str
    admissibility: AdmissibilityOut


class StatusOut(Schema):
    incoming_number: str
    status: str
    registered_on: date
    due_date: date
    answered_on: date | None


def _admissibility(a: Appeal) -> AdmissibilityOut:
    if a.decision:
        return AdmissibilityOut(decision=a.decision, reasons=list(a.decision_reasons))
    return AdmissibilityOut(decision=a.suggested_decision, reasons=list(a.suggested_reasons))


def applicant_input(a: ApplicantIn, *, email: str, phone: str, **rest: Any) -> services.AppealInput:
    """The registry's input from an applicant block whose contacts are already cleaned;
    ``rest`` are the other AppealInput fields (channel, kind, text, …)."""
    return services.AppealInput(
        applicant_type=a.type,
        last_name=a.last_name.strip(),
        first_name=a.first_name.strip(),
        patronymic=a.patronymic.strip(),
        org_name=a.org_name.strip(),
        outgoing_number=a.outgoing_number.strip(),
        outgoing_date=a.outgoing_date,
        signed=a.signed,
        postal_address=a.postal_address.strip(),
        phone=phone,
        email=email,
        **rest,
    )


def _clean_contacts(app: ApplicantIn) -> tuple[str, str]:
    fields: dict[str, list[str]] = {}
    email = app.email.strip()
    if email and not EMAIL_RE.match(email):
        fields["applicant.email"] = [_("Enter a valid e-mail address.")]
    phone = normalise_phone(app.phone)
    if phone is None:
        fields["applicant.phone"] = [_("Enter a valid phone number.")]
    if fields:
        raise InvalidInput(_("Some fields are invalid."), fields=fields)
    return email, phone or ""


def _require_public_fields(body: AppealIn, email: str, phone: str) -> None:
    """K-2 for the public form: an individual gives surname and name and a way to be
    answered; a legal entity its name, outgoing number and date, e-mail, phone, signed."""
    a = body.applicant
    missing: dict[str, list[str]] = {}
    required = _("This field is required.")
    if a.type == ApplicantType.ANONYMOUS:
        missing["applicant.type"] = [_("The feedback form needs your name and contacts.")]
    elif a.type == ApplicantType.INDIVIDUAL:
        for f in ("last_name", "first_name"):
            if not getattr(a, f).strip():
                missing[f"applicant.{f}"] = [required]
        if not (email or phone or a.postal_address.strip()):
            missing["applicant.email"] = [_("Give an e-mail, a phone or a postal address.")]
    else:
        if not a.org_name.strip():
            missing["applicant.org_name"] = [required]
        if not a.outgoing_number.strip():
            missing["applicant.outgoing_number"] = [required]
        if a.outgoing_date is None:
            missing["applicant.outgoing_date"] = [required]
        if not email:
            missing["applicant.email"] = [required]
        if not phone:
            missing["applicant.phone"] = [required]
        if not a.signed:
            missing["applicant.signed"] = [_("The appeal must be signed.")]
    if len(body.text.strip()) < 10:
        missing["text"] = [_("Describe your question.")]
    if missing:
        raise InvalidInput(
            _("Please fill in the required fields."), code="missing_fields", fields=missing
        )


@router.post("/appeals", response={201: AppealCreated}, auth=OptionalAuth())
def create_appeal(request: HttpRequest, body: AppealIn) -> Status[AppealCreated]:
    """Register an appeal. Public for the web feedback form; staff for every channel."""
    staff = getattr(request.user, "is_authenticated", False) and access.can_register(request.user)
    email, phone = _clean_contacts(body.applicant)
    if not staff:
        if getattr(request.user, "is_authenticated", False) and body.channel != Channel.WEB:
            access.require(False)
        if body.channel != Channel.WEB:
            raise InvalidInput(
                _("Only the web channel is public."), code="channel_not_allowed", status=403
            )
        limit_request(request, "appeal-form", limit=20, window_seconds=3600)
        _require_public_fields(body, email, phone)
    data = applicant_input(
        body.applicant,
        email=email,
        phone=phone,
        channel=body.channel,
        kind=body.kind,
        text=body.text,
        topic=body.topic,
        language=body.language,
        office=body.office,
        received_at=body.received_at if staff else None,
        needs_external_info=body.needs_external_info if staff else False,
    )
    appeal = services.register_appeal(data=data, actor=request.user if staff else None)
    return Status(
        201,
        AppealCreated(
            id=appeal.pk,
            incoming_number=appeal.incoming_number,
            registered_on=appeal.registered_on,
            received_at=timezone.localtime(appeal.received_at),
            due_date=appeal.due_date,
            status=appeal.status,
            language=appeal.language,
            access_code=appeal.access_code,
            admissibility=_admissibility(appeal),
        ),
    )


@router.get("/appeals/{incoming_number}/status", response=StatusOut, auth=None)
def appeal_status(request: HttpRequest, incoming_number: str, code: str = "") -> StatusOut:
    """Public: no personal data; a wrong number and a wrong code look the same."""
    limit_request(request, "appeal-status", limit=30, window_seconds=600)
    appeal = (
        Appeal.objects.filter(incoming_number=incoming_number[:20])
        .only(
            "incoming_number", "status", "registered_on", "due_date", "answered_on", "access_code"
        )
        .first()
    )
    if appeal is None or not code or not _same(code.strip().upper(), appeal.access_code):
        raise NotFound(_("No appeal with this number and code."))
    return StatusOut(
        incoming_number=appeal.incoming_number,
        status=appeal.status,
        registered_on=appeal.registered_on,
        due_date=appeal.due_date,
        answered_on=appeal.answered_on,
    )


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


# ---- staff -------------------------------------------------------------------------------


class AppealRow(BaseModel):
    """Plain pydantic, not ninja's Schema: rows are dicts already, and Schema's ORM getter
    costs a Python call per field of every row of a list."""

    id: int
    incoming_number: str
    registered_on: date
    channel: str
    kind: str
    status: str
    applicant: str
    department: str | None
    executor: str | None
    due_date: date
    extended: bool
    suggested_decision: str
    decision: str


class AppealPage(BaseModel):
    items: list[AppealRow]
    next_cursor: str | None


def _row(a: Appeal) -> dict[str, Any]:
    """A journal row as plain data: ninja validates it once, on the way out."""
    return {
        "id": a.pk,
        "incoming_number": a.incoming_number,
        "registered_on": a.registered_on,
        "channel": a.channel,
        "kind": a.kind,
        "status": a.status,
        "applicant": a.applicant_name,
        "department": a.department.code if a.department else None,
        "executor": a.executor.get_username() if a.executor else None,
        "due_date": a.due_date,
        "extended": a.extension_days is not None,
        "suggested_decision": a.suggested_decision,
        "decision": a.decision,
    }


def _row_values(v: dict[str, Any]) -> dict[str, Any]:
    """The same row from ``queries.ROW_VALUES``."""
    return {
        "id": v["id"],
        "incoming_number": v["incoming_number"],
        "registered_on": v["registered_on"],
        "channel": v["channel"],
        "kind": v["kind"],
        "status": v["status"],
        "applicant": applicant_name(SimpleNamespace(**v)),
        "department": v["department__code"],
        "executor": v["executor__username"],
        "due_date": v["due_date"],
        "extended": v["extension_days"] is not None,
        "suggested_decision": v["suggested_decision"],
        "decision": v["decision"],
    }


@router.get("/appeals", response=AppealPage, auth=STAFF)
def list_appeals(request: HttpRequest, filters: Query[AppealFilter]) -> dict[str, Any]:
    access.require(access.can_read_journal(request.user))
    page = journal_page(request.user, filters)
    return {"items": [_row(a) for a in page.items], "next_cursor": page.next_cursor}


class HistoryOut(Schema):
    at: datetime
    who: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


class AnswerOut(Schema):
    outgoing_number: str
    answered_on: date
    method: str
    outcome: str
    text: str
    language: str
    reasons: str
    oral_by: str


class AppealDetail(AppealRow):
    text: str
    language: str
    topic: int | None
    suggested_topic: int | None
    applicant_type: str
    last_name: str
    first_name: str
    patronymic: str
    org_name: str
    outgoing_number: str
    outgoing_date: date | None
    signed: bool
    postal_address: str
    phone: str
    email: str
    received_at: datetime
    needs_external_info: bool
    due_date_unadjusted: date
    extension_days: int | None
    extension_reason: str
    extension_notice_due: date | None
    extension_notice_sent_at: datetime | None
    suggested_reasons: list[str]
    decision_reasons: list[str]
    state_body: str
    to_management: bool
    related: list[str]
    attachments: list[dict[str, Any]]
    answer: AnswerOut | None
    history: list[HistoryOut]


def get_visible(request: HttpRequest, appeal_id: int) -> Appeal:
    qs = access.visible_appeals(request.user).select_related(
        "department", "executor", "topic", "suggested_topic"
    )
    return get_object_or_404(qs, pk=appeal_id)


def detail(appeal: Appeal) -> AppealDetail:
    from abonent.core.models import AuditEntry

    history = [
        HistoryOut(
            at=e.at, who=e.actor_label, action=e.action, before=e.before, after=e.after, note=e.note
        )
        for e in AuditEntry.objects.for_object(appeal).order_by("at", "id")
    ]
    answer = getattr(appeal, "answer", None)
    row = _row(appeal)
    return AppealDetail(
        **row,
        text=appeal.text,
        language=appeal.language,
        topic=appeal.topic.number if appeal.topic else None,
        suggested_topic=appeal.suggested_topic.number if appeal.suggested_topic else None,
        applicant_type=appeal.applicant_type,
        last_name=appeal.last_name,
        first_name=appeal.first_name,
        patronymic=appeal.patronymic,
        org_name=appeal.org_name,
        outgoing_number=appeal.outgoing_number,
        outgoing_date=appeal.outgoing_date,
        signed=appeal.signed,
        postal_address=appeal.postal_address,
        phone=appeal.phone,
        email=appeal.email,
        received_at=appeal.received_at,
        needs_external_info=appeal.needs_external_info,
        due_date_unadjusted=appeal.due_date_unadjusted,
        extension_days=appeal.extension_days,
        extension_reason=appeal.extension_reason,
        extension_notice_due=appeal.extension_notice_due,
        extension_notice_sent_at=appeal.extension_notice_sent_at,
        suggested_reasons=list(appeal.suggested_reasons),
        decision_reasons=list(appeal.decision_reasons),
        state_body=appeal.state_body,
        to_management=appeal.to_management,
        related=[r.incoming_number for r in appeal.related.all()],
        attachments=[
            {"id": t.pk, "name": t.original_name, "size": t.size, "content_type": t.content_type}
            for t in appeal.attachments.all()
        ],
        answer=AnswerOut(
            outgoing_number=answer.outgoing_number,
            answered_on=answer.answered_on,
            method=answer.method,
            outcome=answer.outcome,
            text=answer.text,
            language=answer.language,
            reasons=answer.reasons,
            oral_by=answer.oral_by,
        )
        if answer
        else None,
        history=history,
    )


@router.get("/appeals/{appeal_id}", response=AppealDetail, auth=STAFF)
def get_appeal(request: HttpRequest, appeal_id: int) -> AppealDetail:
    return detail(get_visible(request, appeal_id))


class DecisionIn(Schema):
    decision: str = Field(..., max_length=32)
    reasons: list[str] = Field(default_factory=list, max_length=8)
    state_body: str = Field("", max_length=300)


@router.post("/appeals/{appeal_id}/decision", response=AppealDetail, auth=STAFF)
def decide(request: HttpRequest, appeal_id: int, body: DecisionIn) -> AppealDetail:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    services.decide_admissibility(
        appeal=appeal,
        decision=body.decision,
        reasons=body.reasons,
        state_body=body.state_body,
        actor=request.user,
    )
    return detail(get_visible(request, appeal_id))


class AssignIn(Schema):
    department: str | None = Field(None, max_length=32)
    executor: str | None = Field(None, max_length=150)
    to_management: bool = False


@router.post("/appeals/{appeal_id}/assign", response=AppealDetail, auth=STAFF)
def assign(request: HttpRequest, appeal_id: int, body: AssignIn) -> AppealDetail:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    services.assign_appeal(
        appeal=appeal,
        department=body.department,
        executor=body.executor,
        to_management=body.to_management,
        actor=request.user,
    )
    return detail(get_visible(request, appeal_id))


@router.post("/appeals/{appeal_id}/needs-external-info", response=AppealDetail, auth=STAFF)
def needs_external_info(request: HttpRequest, appeal_id: int) -> AppealDetail:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    services.mark_needs_external_info(appeal=appeal, actor=request.user)
    return detail(get_visible(request, appeal_id))


class ExtendIn(Schema):
    days: int
    reason: str = Field(..., max_length=2000)


class ExtendOut(Schema):
    due_date: date
    notice_due: date


@router.post("/appeals/{appeal_id}/extend", response=ExtendOut, auth=STAFF)
def extend(request: HttpRequest, appeal_id: int, body: ExtendIn) -> ExtendOut:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    appeal = services.extend_term(
        appeal=appeal, days=body.days, reason=body.reason, actor=request.user
    )
    assert appeal.extension_notice_due is not None
    return ExtendOut(due_date=appeal.due_date, notice_due=appeal.extension_notice_due)


@router.post("/appeals/{appeal_id}/extension-notice-sent", response=AppealDetail, auth=STAFF)
def extension_notice_sent(request: HttpRequest, appeal_id: int) -> AppealDetail:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    services.mark_extension_notice_sent(appeal=appeal, actor=request.user)
    return detail(get_visible(request, appeal_id))


class AnswerIn(Schema):
    text: str = Field(..., max_length=services.MAX_TEXT)
    language: str = Field(..., max_length=2)
    outcome: str = Field(..., max_length=32)
    method: str = Field(..., max_length=32)
    reasons: str = Field("", max_length=5000)
    oral_by: str = Field("", max_length=200)


@router.post("/appeals/{appeal_id}/answer", response=AppealDetail, auth=STAFF)
def answer(request: HttpRequest, appeal_id: int, body: AnswerIn) -> AppealDetail:
    appeal = get_visible(request, appeal_id)
    access.require(access.can_manage(request.user))
    services.register_answer(
        appeal=appeal,
        text=body.text,
        language=body.language,
        outcome=body.outcome,
        method=body.method,
        reasons=body.reasons,
        oral_by=body.oral_by,
        actor=request.user,
    )
    return detail(get_visible(request, appeal_id))


@router.get("/appeals/{appeal_id}/receipt.pdf", auth=STAFF)
def receipt(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_visible(request, appeal_id)
    response = HttpResponse(documents.receipt_pdf(appeal), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{appeal.incoming_number}.pdf"'
    return response


@router.get("/journal.xlsx", auth=STAFF)
def journal_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    from abonent.appeals.exports import journal_workbook

    access.require(access.can_manage(request.user))
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("Unknown year."), code="invalid_year", fields={"year": [str(year)]})
    response = HttpResponse(
        journal_workbook(year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="journal-{year}.xlsx"'
    return response


class ControlOut(BaseModel):
    forward_now: list[AppealRow]
    overdue: list[AppealRow]
    due_today: list[AppealRow]
    due_soon: list[AppealRow]
    extended: list[AppealRow]
    notices_pending: list[AppealRow]
    undecided: list[AppealRow]


@router.get("/appeals-control", response=ControlOut, auth=STAFF)
def control(request: HttpRequest, limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:  # type: ignore[type-arg]
    """D-4: the Chancellery's control view."""
    from abonent.appeals.queries import control_values

    access.require(access.can_manage(request.user))
    view = control_values(request.user, limit=limit)
    return {k: [_row_values(v) for v in getattr(view, k)] for k in ControlOut.model_fields}
