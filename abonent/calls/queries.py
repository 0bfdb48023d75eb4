"""Reads of the call log (CC-4): filters and keyset pages in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from pydantic import BaseModel, Field

from abonent.calls.models import Call
from abonent.calls.rules import BadPhone, normalise_phone
from abonent.core.errors import InvalidInput

PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CallFilter(BaseModel):
    phone: str | None = Field(None, max_length=32)
    date_from: date | None = None
    date_to: date | None = None
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
            raise InvalidInput(
                "Not a phone number.", code="invalid_phone", fields={"phone": ["invalid_phone"]}
            ) from None
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
        raise InvalidInput("Bad cursor.", code="invalid_cursor") from None


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
