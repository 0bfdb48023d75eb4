"""Telephony API: PBX events, the call log, outcomes and callbacks (CC-1..CC-8).

``POST /telephony/events`` is for the integration user of the PBX only (its bearer token); the
body is JSON or a form (``application/x-www-form-urlencoded``, what Oktell's web-request
component sends most easily). Times with an offset, or Oktell's local ``YYYY-MM-DD HH:MM:SS``
taken in ``ABONENT_OKTELL_TIME_ZONE``. 201 for a new event, 200 with the stored state for a
replay; 422 with a machine code (``unknown_event``, ``invalid_call_id``, ``invalid_time``,
``invalid_phone``, ``invalid_direction``, ``invalid_operator``, ``missing_recording``,
``invalid_recording``, ``bad_json``, ``unsupported_body``); 401 without a valid token; 403
``integration_only`` for staff. The staff endpoints answer an integration 403 ``forbidden``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from abonent.appeals.models import Appeal, applicant_name
from abonent.calls import access, queries, services, stats
from abonent.calls.ingest import EventData, record_event
from abonent.calls.ivr.stats import ivr_stats
from abonent.calls.models import (
    Call,
    Callback,
    CallOutcome,
    CallTopic,
    Event,
    TaskStatus,
    UnitRequest,
)
from abonent.calls.queries import CallFilter, log_page
from abonent.calls.recordings import is_valid_reference, normalise_reference
from abonent.calls.rules import (
    BadPhone,
    BadTime,
    mask_phone,
    normalise_call_id,
    normalise_phone,
    parse_pbx_time,
)
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import DomainError, Forbidden, InvalidInput, NotFound

router = Router()
STAFF = [TokenAuth(), staff_session]
INTEGRATION = [TokenAuth()]
MAX_EVENT_BYTES = 16 * 1024
_DIRECTIONS = {"in": "in", "incoming": "in", "out": "out", "outgoing": "out"}


class CallStateOut(Schema):
    call_id: str
    status: str
    direction: str
    phone: str
    operator: str
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration: int | None
    recorded: bool
    recording: bool
    duplicate: bool


class EventIn(Schema):
    """The event as documented; the endpoint also takes the same fields as a form."""

    event: str
    call_id: str
    at: str
    phone: str = ""
    operator: str = ""
    recording_url: str = ""
    direction: str = "in"


def _body(request: HttpRequest) -> dict[str, str]:
    if len(request.body) > MAX_EVENT_BYTES:
        raise DomainError(_("The request is too large."), code="too_large", status=413)
    ctype = request.content_type or ""
    if ctype == "application/json" or (not ctype and request.body.lstrip().startswith(b"{")):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_("The body is not valid JSON."), code="bad_json") from None
        if not isinstance(data, dict):
            raise InvalidInput(_("The body must be a JSON object."), code="bad_json")
        return scalars(data)
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {k: request.POST.get(k, "") for k in request.POST}
    if not request.body and request.GET:
        return {k: request.GET.get(k, "") for k in request.GET}
    raise InvalidInput(_("Send the event as JSON or as a form."), code="unsupported_body")


def scalars(data: dict[str, Any]) -> dict[str, str]:
    """The JSON body's fields as text: a documented field must be a string or a whole
    number (``{"a": 1}`` is no call id); other keys with nested values are left out."""
    out: dict[str, str] = {}
    bad: dict[str, list[str]] = {}
    for key, value in data.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            out[key] = str(value)
        elif key in EventIn.model_fields:
            bad[key] = [_("A text or a whole number.")]
    if bad:
        raise InvalidInput(_("Some fields are invalid."), code="validation_error", fields=bad)
    return out


def _clean_payload(raw: dict[str, str]) -> dict[str, str]:
    """What is kept of the body as sent (jsonb cannot hold NUL): 20 keys, 500 characters."""
    return {
        k.replace("\x00", "")[:100]: v.replace("\x00", "")[:500] for k, v in list(raw.items())[:20]
    }


def parse_event(raw: dict[str, str]) -> EventData:
    """Validate one event; every problem is named in ``fields`` and the first one's code is
    the error's code."""
    problems: list[tuple[str, str, str]] = []
    event = raw.get("event", "").strip()
    if event not in Event.values:
        problems.append(("event", "unknown_event", _("Unknown event.")))
    call_id = normalise_call_id(raw.get("call_id", ""))
    if not call_id or len(call_id) > 64 or not call_id.isprintable():
        problems.append(("call_id", "invalid_call_id", _("A call id of 1 to 64 characters.")))
    at: datetime | None = None
    try:
        zone = ZoneInfo(settings.ABONENT_OKTELL_TIME_ZONE)
        at = parse_pbx_time(raw.get("at", ""), zone, now=services.now())
    except BadTime:
        message = _("A date and time like 2026-03-20T10:15:00+05:00.")
        problems.append(("at", "invalid_time", message))
    phone = ""
    try:
        phone = normalise_phone(raw.get("phone", ""))
    except BadPhone:
        problems.append(("phone", "invalid_phone", _("Not a phone number.")))
    direction = _DIRECTIONS.get(raw.get("direction", "in").strip().lower() or "in")
    if direction is None:
        problems.append(("direction", "invalid_direction", _("The direction is in or out.")))
    operator = raw.get("operator", "").strip()
    if len(operator) > 64 or not operator.isprintable():
        message = _("At most 64 printable characters.")
        problems.append(("operator", "invalid_operator", message))
    recording = normalise_reference(raw.get("recording_url", "").strip())
    if event == Event.RECORDING_READY and not recording:
        problems.append(("recording_url", "missing_recording", _("The recording is missing.")))
    elif recording and not is_valid_reference(recording):
        problems.append(
            (
                "recording_url",
                "invalid_recording",
                _("An http(s) URL or a path inside the recordings folder."),
            )
        )
    if problems or at is None or direction is None:
        fields: dict[str, list[str]] = {}
        for name, _code, message in problems:
            fields.setdefault(name, []).append(message)
        raise InvalidInput(
            _("Some fields are invalid."),
            code=problems[0][1] if problems else "validation_error",
            fields=fields,
            extra={"codes": {name: code for name, code, _m in problems}},
        )
    return EventData(
        event=event,
        call_id=call_id,
        at=at,
        phone=phone,
        direction=direction,
        operator=operator,
        recording_url=recording,
        payload=_clean_payload(raw),
    )


@router.post(
    "/telephony/events",
    auth=INTEGRATION,
    response={200: CallStateOut, 201: CallStateOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": EventIn.json_schema()},
                "application/x-www-form-urlencoded": {"schema": EventIn.json_schema()},
            },
            "required": True,
        }
    },
    summary="A call event from the PBX (idempotent per call_id and event)",
)
def post_event(request: HttpRequest) -> Status[dict[str, Any]]:
    if not access.can_post_events(request.user):
        raise Forbidden(_("Only the PBX integration posts call events."), code="integration_only")
    data = parse_event(_body(request))
    new, state = record_event(data, actor=request.user)
    return Status(201 if new else 200, {**state.as_dict(), "duplicate": not new})


# ---- the call log ---------------------------------------------------------------------


class CallRow(Schema):
    id: int
    call_id: str
    at: datetime
    status: str
    direction: str
    phone: str
    operator: str
    operator_username: str | None
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration: int | None
    recorded: bool
    recording: bool
    retained_for_appeal: bool


class CallPage(Schema):
    items: list[CallRow]
    next_cursor: str | None


def _require_log(request: HttpRequest) -> None:
    if not access.can_read_log(request.user):
        raise Forbidden(_("Your role does not allow this action."))


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def call_row(c: Call) -> dict[str, Any]:
    return {
        "id": c.pk,
        "call_id": c.call_id,
        "at": timezone.localtime(c.at),
        "status": c.status,
        "direction": c.direction,
        "phone": c.phone,
        "operator": c.operator_login,
        "operator_username": c.operator.get_username() if c.operator else None,
        "started_at": _local(c.started_at),
        "answered_at": _local(c.answered_at),
        "ended_at": _local(c.ended_at),
        "duration": c.duration,
        "recorded": c.recorded,
        "recording": c.has_recording,
        "retained_for_appeal": c.retained_for_appeal,
    }


@router.get("/calls", response=CallPage, auth=STAFF, summary="The call log (CC-4)")
def list_calls(request: HttpRequest, filters: Query[CallFilter]) -> dict[str, Any]:
    _require_log(request)
    personal = access.sees_personal_data(request.user)
    if filters.phone and not personal:
        raise Forbidden(_("Your role does not allow searching by phone number."))
    page = log_page(filters)
    items = [call_row(c) for c in page.items]
    if not personal:
        for item in items:
            item["phone"] = mask_phone(item["phone"])
    return {"items": items, "next_cursor": page.next_cursor}


# ---- the supervisor's figures (issue #6, point 5) ---------------------------------------


class HourOut(Schema):
    hour: int
    calls: int
    answered: int


class IvrStatsOut(Schema):
    """CC-3: calls that entered the voice menu in the period and how they ended; the menu
    nodes they went through (paths taken) and where those who hung up were last."""

    sessions: int
    self_served: int
    transferred: int
    abandoned: int
    ended: int
    in_progress: int
    readings_accepted: int
    self_service_share: float | None
    nodes: dict[str, int]
    abandoned_at: dict[str, int]


class StatsOut(Schema):
    date_from: date
    date_to: date
    calls: int
    answered: int
    answered_share: float | None
    average_handling_seconds: int | None
    per_hour: list[HourOut]
    per_topic: dict[str, int]
    outcomes: dict[str, int]
    callbacks_due: int
    callbacks_overdue: int
    abuse_terminations: int
    ivr: IvrStatsOut


@router.get(
    "/calls/stats",
    response=StatsOut,
    auth=STAFF,
    summary="The supervisor's figures for a period (default: today)",
)
def call_stats(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None
) -> dict[str, Any]:
    """Incoming calls per local hour and per topic, answered share, average handling time
    (answer to end, seconds), open callbacks due in the period and overdue now (any day),
    calls ended for abuse. Senior operators, heads, managers."""
    if not access.can_supervise(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    moment = services.now()
    today = timezone.localdate(moment)
    first, last = date_from or today, date_to or date_from or today
    found = stats.call_stats(first, last, moment=moment)
    ivr = ivr_stats(first, last)
    return {
        **asdict(found),
        "ivr": {**asdict(ivr), "self_service_share": ivr.self_service_share},
    }


# ---- requests passed to units (CC-1) ---------------------------------------------------


class UnitRequestOut(Schema):
    id: int
    department: str
    status: str
    text: str
    topic: str
    call_id: str
    phone: str
    passed_at: datetime
    passed_by: str | None
    done_at: datetime | None
    done_by: str | None
    note: str


class NoteIn(Schema):
    note: str = Field(..., max_length=5000)


def unit_request_out(r: UnitRequest, *, personal: bool) -> dict[str, Any]:
    call = r.outcome.call
    return {
        "id": r.pk,
        "department": r.department.code,
        "status": r.status,
        "text": r.outcome.answer,
        "topic": r.outcome.topic,
        "call_id": call.call_id,
        "phone": call.phone if personal else mask_phone(call.phone),
        "passed_at": timezone.localtime(r.created_at),
        "passed_by": _username(r.outcome.recorded_by),
        "done_at": _local(r.done_at),
        "done_by": _username(r.done_by),
        "note": r.note,
    }


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _unit_scope(request: HttpRequest) -> int | None:
    """None: every unit; else the reader's own unit's id (-1 when they have none)."""
    if access.sees_all_units(request.user):
        return None
    dept = queries.user_department(request.user)
    return dept.pk if dept is not None else -1


@router.get(
    "/calls/requests",
    response=list[UnitRequestOut],
    auth=STAFF,
    summary="Requests the contact centre passed to units (CC-1)",
)
def list_unit_requests(
    request: HttpRequest, filters: Query[queries.UnitRequestFilter]
) -> list[dict[str, Any]]:
    """A unit's staff see their unit's requests; the contact centre, supervisors and the
    Chancellery see every unit's (filter with ``department``)."""
    if not access.can_read_unit_requests(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    rows = queries.unit_requests(filters, only_department=_unit_scope(request))
    personal = access.sees_personal_data(request.user) or _unit_scope(request) is not None
    return [unit_request_out(r, personal=personal) for r in rows]


@router.post(
    "/calls/requests/{request_id}/done",
    response=UnitRequestOut,
    auth=STAFF,
    summary="The unit did what was asked",
)
def finish_unit_request(request: HttpRequest, request_id: int, body: NoteIn) -> dict[str, Any]:
    found = (
        UnitRequest.objects.select_related("department", "outcome__call")
        .filter(pk=request_id)
        .first()
    )
    if not access.can_read_unit_requests(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    scope = _unit_scope(request)
    if found is None or (scope is not None and scope != found.department_id):
        raise NotFound(_("Not found."))
    mine = queries.user_department(request.user)
    if not access.may_finish_unit_request(
        request.user, found.department_id, mine.pk if mine is not None else None
    ):
        raise Forbidden(_("Only the unit marks its request done."))
    done = services.complete_unit_request(request=found, note=body.note, actor=request.user)
    return unit_request_out(done, personal=True)


# ---- the operator's call card (issue #6, point 4) --------------------------------------


class AppealBrief(Schema):
    id: int
    incoming_number: str
    registered_on: date
    kind: str
    status: str
    due_date: date
    applicant: str | None


class EventBrief(Schema):
    event: str
    at: datetime
    source: str


class RecentCall(Schema):
    call_id: str
    at: datetime
    status: str
    duration: int | None
    outcome: str | None


class CallbackOut(Schema):
    id: int
    call_id: str
    phone: str
    due_at: datetime
    overdue: bool
    assignee: str | None
    status: str
    topic: str
    answer: str
    done_at: datetime | None
    done_by: str | None
    note: str


class AppealRef(Schema):
    id: int
    incoming_number: str
    registered_on: date
    due_date: date


class OutcomeOut(Schema):
    call_id: str
    outcome: str
    topic: str
    answer: str
    warning_given: bool
    recorded_at: datetime
    recorded_by: str | None
    callback: CallbackOut | None
    appeal: AppealRef | None
    unit_request: UnitRequestOut | None


class CallCard(Schema):
    call: CallRow
    events: list[EventBrief]
    personal_data: bool
    open_appeals: list[AppealBrief]
    linked_appeals: list[AppealBrief]
    recent_calls: list[RecentCall]
    queue_visits: None = Field(
        None, description="Queue tickets carry no phone number: visits are not linked to calls."
    )
    outcome: OutcomeOut | None


def _appeal_brief(a: Appeal, *, personal: bool) -> dict[str, Any]:
    return {
        "id": a.pk,
        "incoming_number": a.incoming_number,
        "registered_on": a.registered_on,
        "kind": a.kind,
        "status": a.status,
        "due_date": a.due_date,
        "applicant": (a.org_name or applicant_name(a)) if personal else None,
    }


def callback_out(cb: Callback, *, moment: datetime, personal: bool) -> dict[str, Any]:
    call = cb.outcome.call
    return {
        "id": cb.pk,
        "call_id": call.call_id,
        "phone": call.phone if personal else mask_phone(call.phone),
        "due_at": timezone.localtime(cb.due_at),
        "overdue": cb.status == TaskStatus.OPEN and cb.due_at < moment,
        "assignee": _username(cb.assignee),
        "status": cb.status,
        "topic": cb.outcome.topic,
        "answer": cb.outcome.answer,
        "done_at": _local(cb.done_at),
        "done_by": _username(cb.done_by),
        "note": cb.note,
    }


def outcome_out(o: CallOutcome, call: Call, *, moment: datetime) -> dict[str, Any]:
    cb: Callback | None = getattr(o, "callback", None)
    req: UnitRequest | None = getattr(o, "unit_request", None)
    if cb is not None:
        cb.outcome = o
        o.call = call
    if req is not None:
        req.outcome = o
        o.call = call
    a = o.appeal
    return {
        "call_id": call.call_id,
        "outcome": o.kind,
        "topic": o.topic,
        "answer": o.answer,
        "warning_given": o.warning_given,
        "recorded_at": timezone.localtime(o.recorded_at),
        "recorded_by": _username(o.recorded_by),
        "callback": callback_out(cb, moment=moment, personal=True) if cb else None,
        "appeal": {
            "id": a.pk,
            "incoming_number": a.incoming_number,
            "registered_on": a.registered_on,
            "due_date": a.due_date,
        }
        if a is not None
        else None,
        "unit_request": unit_request_out(req, personal=True) if req else None,
    }


_LINKED_FIELDS = ("id", "incoming_number", "registered_on", "kind", "status", "due_date")


def _card_call(request: HttpRequest, call_id: str) -> Call:
    if not access.can_read_card(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    return services.get_call(call_id)


@router.get("/calls/{call_id}", response=CallCard, auth=STAFF, summary="The operator's call card")
def call_card(request: HttpRequest, call_id: str) -> dict[str, Any]:
    """The call and its events; for readers of personal data, who is calling as far as the
    number tells (their open appeals, found by the exact normalised number, and their recent
    calls); the appeals linked to the call; the outcome. Queue visits are not linked to
    phone numbers, so they are not shown."""
    call = _card_call(request, call_id)
    personal = access.sees_personal_data(request.user)
    events = list(call.events.order_by("at", "id").values("event", "at", "source"))
    context = queries.caller_context(call) if personal else queries.CallerContext([], [])
    linked = list(call.appeals.only(*_LINKED_FIELDS).order_by("-registered_at")[:20])
    outcome = queries.outcome_of(call)
    row = call_row(call)
    if not personal:
        row["phone"] = mask_phone(call.phone)
    recent = [
        {
            "call_id": c.call_id,
            "at": timezone.localtime(c.at),
            "status": c.status,
            "duration": c.duration,
            "outcome": getattr(getattr(c, "outcome", None), "kind", None),
        }
        for c in context.recent_calls
    ]
    return {
        "call": row,
        "events": [{**e, "at": timezone.localtime(e["at"])} for e in events],
        "personal_data": personal,
        "open_appeals": [_appeal_brief(a, personal=True) for a in context.open_appeals],
        "linked_appeals": [_appeal_brief(a, personal=False) for a in linked],
        "recent_calls": recent,
        "queue_visits": None,
        "outcome": outcome_out(outcome, call, moment=services.now()) if outcome else None,
    }


# ---- the outcome of a call (CC-1, CC-5..CC-8) -------------------------------------------


class ComplaintIn(Schema):
    kind: str = Field("complaint", max_length=16, description="complaint or claim")
    applicant_type: str = Field("individual", max_length=16)
    last_name: str = Field("", max_length=150)
    first_name: str = Field("", max_length=150)
    patronymic: str = Field("", max_length=150)
    org_name: str = Field("", max_length=300)
    postal_address: str = Field("", max_length=500)
    phone: str = Field("", max_length=32, description="the caller's number when empty")
    email: str = Field("", max_length=254)
    text: str = Field("", max_length=20_000)


class OutcomeIn(Schema):
    outcome: str = Field(
        ..., max_length=16, description="answered, callback, abuse, complaint, passed"
    )
    topic: str = Field("", max_length=24, description="a C-2 row: " + ", ".join(CallTopic.values))
    answer: str = Field("", max_length=5000, description="the answer given / the request")
    callback_at: datetime | None = Field(None, description="callback: when to call back")
    callback_to: str = Field("me", max_length=8, description="callback: me or pool")
    warning_given: bool = Field(False, description="abuse: the caller was warned (CC-7)")
    department: str = Field("", max_length=32, description="passed: sales, contracts, accounting")
    complaint: ComplaintIn | None = None


def outcome_input(body: OutcomeIn) -> services.OutcomeInput:
    if body.callback_at is not None and timezone.is_naive(body.callback_at):
        raise InvalidInput(
            _("Give the time with its offset."),
            code="validation_error",
            fields={"callback_at": [_("Give the time with its offset.")]},
        )
    if body.callback_to not in ("me", "pool"):
        raise InvalidInput(_("Some fields are invalid."), fields={"callback_to": [_("me or pool")]})
    c = body.complaint
    return services.OutcomeInput(
        kind=body.outcome,
        topic=body.topic,
        answer=body.answer,
        callback_at=body.callback_at,
        callback_to_pool=body.callback_to == "pool",
        warning_given=body.warning_given,
        department=body.department,
        complaint=services.ComplaintInput(**c.dict()) if c is not None else None,
    )


@router.post(
    "/calls/{call_id}/outcome",
    response={200: OutcomeOut, 201: OutcomeOut},
    auth=STAFF,
    summary="Record the outcome of a call (one per call)",
)
def post_outcome(request: HttpRequest, call_id: str, body: OutcomeIn) -> Status[dict[str, Any]]:
    """201 with the outcome; the same request again → 200 with the same outcome; another →
    409 ``outcome_exists``. 422 ``callback_in_past``/``callback_outside_hours`` with
    ``next_possible``, ``warning_required``, ``validation_error`` with ``fields``; 409
    ``call_not_answered``. A complaint's ``appeal.incoming_number`` is for the operator to
    read to the caller (CC-8)."""
    if access.is_integration(request.user) or not access.can_work_callbacks(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    call = services.get_call(call_id)
    if not access.can_record_outcome(request.user, call.operator_id, call.operator_login):
        raise Forbidden(_("Only the operator who took the call records its outcome."))
    data = outcome_input(body)
    _outcome, created = services.record_call_outcome(call=call, data=data, actor=request.user)
    found = queries.outcome_of(call)
    assert found is not None
    return Status(201 if created else 200, outcome_out(found, call, moment=services.now()))


# ---- callbacks (CC-6) ------------------------------------------------------------------


class ReassignIn(Schema):
    assignee: str | None = Field(None, max_length=150, description="a username; null: the pool")


@router.get("/callbacks", response=list[CallbackOut], auth=STAFF, summary="Callbacks (CC-6)")
def list_callbacks(
    request: HttpRequest, filters: Query[queries.CallbackFilter]
) -> list[dict[str, Any]]:
    """Due first. ``status`` open (default) or done, ``assignee`` a username, ``me`` or
    ``pool``, ``overdue=true`` for open callbacks past their time."""
    if not access.can_work_callbacks(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    moment = services.now()
    rows = queries.callbacks(filters, user=request.user, moment=moment)
    return [callback_out(cb, moment=moment, personal=True) for cb in rows]


def _callback(request: HttpRequest, callback_id: int) -> Callback:
    if not access.can_work_callbacks(request.user):
        raise Forbidden(_("Your role does not allow this action."))
    found = Callback.objects.filter(pk=callback_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    if not access.can_finish_callback(request.user, found.assignee_id):
        raise Forbidden(_("This callback is assigned to someone else."))
    return found


def _callback_result(cb: Callback) -> dict[str, Any]:
    full = Callback.objects.select_related("outcome__call", "assignee", "done_by").get(pk=cb.pk)
    return callback_out(full, moment=services.now(), personal=True)


@router.post("/callbacks/{callback_id}/done", response=CallbackOut, auth=STAFF)
def finish_callback(request: HttpRequest, callback_id: int, body: NoteIn) -> dict[str, Any]:
    cb = services.complete_callback(
        callback=_callback(request, callback_id), note=body.note, actor=request.user
    )
    return _callback_result(cb)


@router.post("/callbacks/{callback_id}/reassign", response=CallbackOut, auth=STAFF)
def reassign(request: HttpRequest, callback_id: int, body: ReassignIn) -> dict[str, Any]:
    cb = _callback(request, callback_id)
    assignee = None
    if body.assignee:
        assignee = get_user_model().objects.filter(username=body.assignee).first()
        if assignee is None:
            raise InvalidInput(
                _("Callbacks go to contact-centre operators."),
                code="invalid_assignee",
                fields={"assignee": [_("Not a contact-centre operator.")]},
            )
    cb = services.reassign_callback(callback=cb, assignee=assignee, actor=request.user)
    return _callback_result(cb)
