"""Reads of the contact centre: the call log (CC-4) in keyset pages, the operator's call
card, callbacks and requests passed to units — each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from pydantic import BaseModel, Field

from abonent.appeals.models import Appeal
from abonent.calls.models import Call, Callback, CallOutcome, TaskStatus, UnitRequest
from abonent.calls.rules import EARLIEST_DAY, LATEST_DAY, BadPhone, normalise_phone
from abonent.core.errors import InvalidInput
from abonent.core.models import Department, StaffProfile

PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CallFilter(BaseModel):
    phone: str | None = Field(None, max_length=32)
    date_from: date | None = Field(None, ge=EARLIEST_DAY, le=LATEST_DAY)
    date_to: date | None = Field(None, ge=EARLIEST_DAY, le=LATEST_DAY)
    operator: str | None = Field(None, max_length=150)
    status: str | None = Field(None, max_length=16)
    cursor: str | None = Field(None, max_length=40)
    limit: int = Field(PAGE_SIZE, ge=1, le=200)


@dataclass(frozen=True)
class Page:
    items: list[Call]
    next_cursor: str | None


def _local_midnight(day: date) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def filtered(f: CallFilter) -> QuerySet[Call]:
    qs = Call.objects.all()
    if f.phone:
        try:
            phone = normalise_phone(f.phone)
        except BadPhone:
            message = _("Not a phone number.")
            raise InvalidInput(message, code="invalid_phone", fields={"phone": [message]}) from None
        qs = qs.filter(phone=phone)
    if f.date_from:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + timedelta(days=1)))
    if f.operator:
        qs = qs.filter(Q(operator__username=f.operator) | Q(operator_login=f.operator))
    if f.status:
        qs = qs.filter(status=f.status)
    return qs


def _decode_cursor(raw: str) -> tuple[datetime, int]:
    try:
        micros, pk = (int(x) for x in raw.split("_", 1))
        return _EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError, OSError):
        raise InvalidInput(_("Bad cursor."), code="invalid_cursor") from None


def encode_cursor(call: Call) -> str:
    micros = (call.at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{call.pk}"


def log_page(f: CallFilter) -> Page:
    """Newest first; the cursor is the last row's (at, id). One query."""
    qs = filtered(f).select_related("operator").order_by("-at", "-id")
    if f.cursor:
        at, pk = _decode_cursor(f.cursor)
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(qs[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


# ---- the operator's call card (issue #6, point 4) -----------------------------------------

RECENT_CALLS = 10
CARD_APPEALS = 20


@dataclass(frozen=True)
class CallerContext:
    """Who is calling, as far as the phone number tells: their open appeals in the registry
    and their recent calls. Electronic-queue tickets carry no phone number, so visits to the
    offices cannot be found from a call."""

    open_appeals: list[Appeal]
    recent_calls: list[Call]


_APPEAL_FIELDS = (
    "id",
    "incoming_number",
    "registered_on",
    "registered_at",
    "kind",
    "status",
    "due_date",
    "applicant_type",
    "last_name",
    "first_name",
    "patronymic",
    "org_name",
)


def registry_phones(phone: str) -> list[str]:
    """The spellings the registry may hold for a caller's number (both normalise Kazakhstan
    numbers to ``+7XXXXXXXXXX``; a foreign number may be kept there without its ``+``):
    an exact match on each uses the registry's (phone, registered_at) index."""
    if not phone:
        return []
    return [phone] if phone.startswith("+7") else [phone, phone.lstrip("+")]


def caller_context(call: Call) -> CallerContext:
    """Two queries, none for a hidden number."""
    phones = registry_phones(call.phone)
    if not phones:
        return CallerContext(open_appeals=[], recent_calls=[])
    appeals = list(
        Appeal.objects.open()
        .filter(phone__in=phones)
        .only(*_APPEAL_FIELDS)
        .order_by("-registered_at")[:CARD_APPEALS]
    )
    recent = list(
        Call.objects.filter(phone=call.phone)
        .exclude(pk=call.pk)
        .select_related("operator", "outcome")
        .order_by("-at", "-id")[:RECENT_CALLS]
    )
    return CallerContext(open_appeals=appeals, recent_calls=recent)


def outcome_of(call: Call) -> CallOutcome | None:
    """The call's outcome with its task and appeal, in one query."""
    return (
        CallOutcome.objects.select_related(
            "appeal", "recorded_by", "callback__assignee", "unit_request__department"
        )
        .filter(call=call)
        .first()
    )


# ---- callbacks and requests passed to units ---------------------------------------------


class CallbackFilter(BaseModel):
    status: str | None = Field("open", max_length=8)
    assignee: str | None = Field(None, max_length=150, description="a username, me or pool")
    overdue: bool = False
    limit: int = Field(PAGE_SIZE, ge=1, le=200)


def callbacks(f: CallbackFilter, *, user: Any, moment: datetime) -> list[Callback]:
    """Due first. One query (outcome, call and people joined)."""
    qs = Callback.objects.select_related(
        "outcome__call", "outcome__recorded_by", "assignee", "done_by"
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.assignee == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif f.assignee == "pool":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee:
        qs = qs.filter(assignee__username=f.assignee)
    if f.overdue:
        qs = qs.filter(status=TaskStatus.OPEN, due_at__lt=moment)
    return list(qs.order_by("due_at", "id")[: f.limit])


class UnitRequestFilter(BaseModel):
    department: str | None = Field(None, max_length=32)
    status: str | None = Field("open", max_length=8)
    limit: int = Field(PAGE_SIZE, ge=1, le=200)


def user_department(user: Any) -> Department | None:
    profile = StaffProfile.objects.filter(user_id=user.pk).select_related("department").first()
    return profile.department if profile is not None else None


def unit_requests(f: UnitRequestFilter, *, only_department: int | None) -> list[UnitRequest]:
    """Newest first; ``only_department`` limits a reader to their own unit. One query."""
    qs = UnitRequest.objects.select_related(
        "department", "outcome__call", "outcome__recorded_by", "done_by"
    )
    if only_department is not None:
        qs = qs.filter(department_id=only_department)
    if f.department:
        qs = qs.filter(department__code=f.department)
    if f.status:
        qs = qs.filter(status=f.status)
    return list(qs.order_by("-created_at", "-id")[: f.limit])
