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
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from abonent.appeals.models import Appeal
from abonent.calls import access
from abonent.calls.ingest import EventData, record_event
from abonent.calls.models import Call, Event
from abonent.calls.queries import CallFilter, log_page
from abonent.calls.recordings import is_valid_reference, normalise_reference
from abonent.calls.rules import (
    BadPhone,
    BadTime,
    normalise_call_id,
    normalise_phone,
    parse_pbx_time,
)
from abonent.core.auth import TokenAuth
from abonent.core.errors import DomainError, Forbidden, InvalidInput, NotFound

router = Router()
STAFF = [TokenAuth(), django_auth]
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
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {k: request.POST.get(k, "") for k in request.POST}
    if not request.body and request.GET:
        return {k: request.GET.get(k, "") for k in request.GET}
    raise InvalidInput(_("Send the event as JSON or as a form."), code="unsupported_body")


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
        at = parse_pbx_time(raw.get("at", ""), zone)
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
    if len(operator) > 64:
        problems.append(("operator", "invalid_operator", _("At most 64 characters.")))
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
        payload={k: v[:500] for k, v in list(raw.items())[:20]},
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
    page = log_page(filters)
    return {"items": [call_row(c) for c in page.items], "next_cursor": page.next_cursor}


# ---- the operator's call card (issue #6, point 4) --------------------------------------


class AppealBrief(Schema):
    id: int
    incoming_number: str
    registered_on: date
    kind: str
    status: str
    due_date: date


class EventBrief(Schema):
    event: str
    at: datetime
    source: str


class CallCard(Schema):
    call: CallRow
    events: list[EventBrief]
    open_appeals: list[AppealBrief]
    linked_appeals: list[AppealBrief]


def _appeal_brief(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "incoming_number": a.incoming_number,
        "registered_on": a.registered_on,
        "kind": a.kind,
        "status": a.status,
        "due_date": a.due_date,
    }


_APPEAL_FIELDS = ("id", "incoming_number", "registered_on", "kind", "status", "due_date")


@router.get("/calls/{call_id}", response=CallCard, auth=STAFF, summary="The operator's call card")
def call_card(request: HttpRequest, call_id: str) -> dict[str, Any]:
    """The call, its events, the caller's open appeals (by phone) and the appeals linked to
    it. The consumer's account (cabinet) is not joined yet."""
    _require_log(request)
    found = Call.objects.select_related("operator").filter(call_id=normalise_call_id(call_id))
    call = found.first()
    if call is None:
        raise NotFound(_("Not found."))
    events = list(call.events.order_by("at", "id").values("event", "at", "source"))
    open_appeals = (
        list(Appeal.objects.open().filter(phone=call.phone).only(*_APPEAL_FIELDS)[:20])
        if call.phone
        else []
    )
    linked = list(call.appeals.only(*_APPEAL_FIELDS).order_by("-registered_at")[:20])
    return {
        "call": call_row(call),
        "events": [{**e, "at": timezone.localtime(e["at"])} for e in events],
        "open_appeals": [_appeal_brief(a) for a in open_appeals],
        "linked_appeals": [_appeal_brief(a) for a in linked],
    }
