"""Reads of the registry: the journal with filters and keyset pagination (a fixed number of
queries per page, whatever its size or the table's), and the Chancellery's control view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone
from ninja import Field, Schema

from abonent.appeals import access
from abonent.appeals.codes import OPEN_STATUSES, Status
from abonent.appeals.models import Appeal, AppealQuerySet
from abonent.core.errors import InvalidInput
from abonent.workdays.services import get_calendar

# What a journal row shows: lists never load the text or the access code.
ROW_FIELDS = (
    "incoming_number",
    "year",
    "seq",
    "registered_on",
    "registered_at",
    "channel",
    "kind",
    "status",
    "applicant_type",
    "last_name",
    "first_name",
    "patronymic",
    "org_name",
    "due_date",
    "extension_days",
    "extension_notice_due",
    "suggested_decision",
    "decision",
    "suggested_reasons",
    "decision_reasons",
    "department__code",
    "department__name_ru",
    "department__name_kk",
    "executor__username",
    "executor__first_name",
    "executor__last_name",
)
NUMBER_RE = re.compile(r"^\d{4}-\d{1,6}$")


class AppealFilter(Schema):
    status: str | None = Field(None, max_length=16)
    department: str | None = Field(None, max_length=32)
    overdue: bool | None = None
    due_before: date | None = None
    channel: str | None = Field(None, max_length=24)
    q: str | None = Field(None, max_length=100)
    year: int | None = Field(None, ge=2000, le=2100)
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=32)


@dataclass
class Page:
    items: list[Appeal]
    next_cursor: str | None


def filtered(user: Any, f: AppealFilter) -> AppealQuerySet:
    qs = access.visible_appeals(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.department:
        qs = qs.filter(department__code=f.department)
    if f.overdue:
        qs = qs.filter(status__in=list(OPEN_STATUSES), due_date__lt=timezone.localdate())
    if f.due_before:
        qs = qs.filter(due_date__lt=f.due_before)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.q:
        q = f.q.strip()
        if NUMBER_RE.match(q):
            year, seq = q.split("-")
            qs = qs.filter(year=int(year), seq=int(seq))
        elif "@" in q:
            qs = qs.filter(email=q.lower())
        elif re.fullmatch(r"\+?\d{6,15}", q):
            qs = qs.filter(phone__endswith=q.lstrip("+")[-10:])
        else:
            qs = qs.filter(Q(last_name__iexact=q) | Q(org_name__iexact=q))
    return qs


def journal_page(user: Any, f: AppealFilter) -> Page:
    qs = (
        filtered(user, f)
        .select_related("department", "executor")
        .only(*ROW_FIELDS)
        .order_by("-year", "-seq")
    )
    if f.cursor:
        try:
            year, seq = (int(x) for x in f.cursor.split(".", 1))
        except ValueError:
            raise InvalidInput("Bad cursor.", code="invalid_cursor") from None
        # A row-value comparison walks the (year, seq) index; an OR of two filters does not.
        qs = cast(
            AppealQuerySet,
            qs.extra(
                where=["(appeals_appeal.year, appeals_appeal.seq) < (%s, %s)"],
                params=[year, seq],
            ),
        )
    rows = list(qs[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    cursor = f"{rows[-1].year}.{rows[-1].seq}" if more and rows else None
    return Page(items=rows, next_cursor=cursor)


@dataclass
class ControlView:
    forward_now: list[Appeal]
    overdue: list[Appeal]
    due_today: list[Appeal]
    due_soon: list[Appeal]
    extended: list[Appeal]
    notices_pending: list[Appeal]
    undecided: list[Appeal]


def control_view(user: Any, *, limit: int = 50) -> ControlView:
    """D-4: what is due today, in the next 3 working days, overdue, extended; plus anonymous
    reports of crimes waiting to be forwarded and extension notices still to send."""
    today = timezone.localdate()
    cal = get_calendar(around=today)
    soon = cal.add_working_days(today, 3)
    base = (
        access.visible_appeals(user)
        .filter(status__in=list(OPEN_STATUSES))
        .select_related("department", "executor")
        .only(*ROW_FIELDS)
    )
    return ControlView(
        forward_now=list(
            base.filter(status=Status.REGISTERED, suggested_decision="forwarded").order_by(
                "registered_at"
            )[:limit]
        ),
        overdue=list(base.filter(due_date__lt=today).order_by("due_date", "seq")[:limit]),
        due_today=list(base.filter(due_date=today).order_by("seq")[:limit]),
        due_soon=list(
            base.filter(due_date__gt=today, due_date__lte=soon).order_by("due_date", "seq")[:limit]
        ),
        extended=list(base.filter(extension_days__isnull=False).order_by("due_date")[:limit]),
        notices_pending=list(
            base.filter(
                extension_days__isnull=False, extension_notice_sent_at__isnull=True
            ).order_by("extension_notice_due")[:limit]
        ),
        undecided=list(base.filter(status=Status.REGISTERED).order_by("registered_at")[:limit]),
    )
