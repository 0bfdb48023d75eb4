"""Voice menu (IVR) API: ``POST /api/v1/ivr/step`` (CC-3).

The PBX's IVR scenario posts each step of a call — JSON, or a form as Oktell's web-request
component sends it — with the integration user's bearer token only (staff and anonymous
callers are refused, as for the telephony events: 401 without a valid token, 403
``integration_only`` for anyone else).

Body: ``session`` (the PBX's id of the call, 1–64 characters), ``caller`` (the number, kept
with the session), ``input`` (the keys pressed; empty on the first step and after a
``play``), optional ``seq`` (the step's number in the session, 1, 2, 3...: a retried number
gets the same answer again), optional ``hangup`` (true: the caller hung up in the menu).

Answer: ``{session, seq, language, action, prompt, prompt_code, expect, transfer_to,
outcome}`` — ``action`` is ``collect`` (say ``prompt``, collect keys as ``expect`` says:
``min_digits``, ``max_digits``, ``terminator``), ``play`` (say it and post the next step at
once with no keys), ``transfer`` (say it — it starts with the recording warning — and put the
caller through to ``transfer_to``) or ``hangup``. A refused entry answers 422 with ``code``
(``no_input``, ``invalid_choice``, ``not_digits``, ``wrong_length``, ``unknown_account``,
``no_hot_water_meter``, or the cabinet's refusal of a reading: ``decreasing``,
``implausible``, ``too_many_digits``, ...) and ``message`` *and the same fields*: the
scenario does what ``action`` says whatever the status. Other errors: 422
``unknown_session``, ``validation_error``, ``bad_json``; 409 ``seq_gap``, ``seq_conflict``,
``session_ended``; 503 ``ivr_not_configured``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ValidationError

from abonent.calls import access
from abonent.calls.ivr import services
from abonent.core.auth import TokenAuth
from abonent.core.errors import DomainError, Forbidden, InvalidInput

router = Router()
MAX_STEP_BYTES = 4 * 1024


class StepIn(Schema):
    session: str = Field(..., min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")
    caller: str = Field("", max_length=32)
    input: str = Field("", max_length=64)
    seq: int | None = Field(None, ge=1, le=100_000)
    hangup: bool = False


class ExpectOut(Schema):
    min_digits: int
    max_digits: int
    terminator: str


class StepOut(Schema):
    code: str | None = Field(None, description="Only on 422: why the entry was refused.")
    message: str | None = None
    session: str
    seq: int
    language: str
    action: str = Field(..., description="collect, play, transfer or hangup")
    prompt: str
    prompt_code: str
    expect: ExpectOut | None
    transfer_to: str | None
    outcome: str | None


def _fields(request: HttpRequest) -> dict[str, Any]:
    # The declared length: a middleware may already have read a form's stream.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_STEP_BYTES:
        raise DomainError(_("The request is too large."), code="too_large", status=413)
    ctype = request.content_type or ""
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw: dict[str, Any] = {k: request.POST.get(k, "") for k in request.POST}
    else:
        if len(request.body) > MAX_STEP_BYTES:
            raise DomainError(_("The request is too large."), code="too_large", status=413)
        try:
            raw = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_("The body is not valid JSON."), code="bad_json") from None
        if not isinstance(raw, dict):
            raise InvalidInput(_("The body must be a JSON object."), code="bad_json")
    return form_fields(raw)


def form_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """A form's empty field means "not given"; a number typed as text is still a number."""
    return {k: v for k, v in raw.items() if not (k in ("seq", "hangup") and v in ("", None))}


def parse_step(request: HttpRequest) -> StepIn:
    try:
        return StepIn.model_validate(_fields(request))
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for err in exc.errors():
            name = ".".join(str(p) for p in err.get("loc", ())) or "__all__"
            fields.setdefault(name, []).append(str(err.get("msg", "")))
        raise InvalidInput(_("Some fields are invalid."), fields=fields) from None


@router.post(
    "/step",
    auth=[TokenAuth()],
    response={200: StepOut, 422: StepOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": StepIn.json_schema()},
                "application/x-www-form-urlencoded": {"schema": StepIn.json_schema()},
            },
            "required": True,
        }
    },
    summary="The next prompt and action of an IVR call (CC-3)",
)
def step(request: HttpRequest) -> Status[dict[str, Any]]:
    if not access.can_post_events(request.user):
        raise Forbidden(_("Only the PBX integration runs the voice menu."), code="integration_only")
    data = parse_step(request)
    answer = services.take_step(
        session_id=data.session,
        caller=data.caller.strip(),
        keys=data.input.strip(),
        seq=data.seq,
        hangup=data.hangup,
        actor=request.user,
    )
    return Status(answer.status, answer.body)
