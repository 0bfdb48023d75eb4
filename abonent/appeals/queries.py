"""Reads of the registry: the journal with filters and keyset pagination (a fixed number of
queries per page, whatever its size or the table's), and the Chancellery's control view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, cast

from django.db import connection
from django.db.models import CharField, Q, Value
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
class ControlView[R]:
    forward_now: list[R]
    overdue: list[R]
    due_today: list[R]
    due_soon: list[R]
    extended: list[R]
    notices_pending: list[R]
    undecided: list[R]


# What the API's control view shows of a row, read as plain values (no model instances).
ROW_VALUES = (
    "id",
    "incoming_number",
    "registered_on",
    "channel",
    "kind",
    "status",
    "applicant_type",
    "last_name",
    "first_name",
    "patronymic",
    "org_name",
    "department__code",
    "executor__username",
    "due_date",
    "extension_days",
    "suggested_decision",
    "decision",
)


def control_view(user: Any, *, limit: int = 50) -> ControlView[Appeal]:
    """The control view with Appeal rows (for the page)."""
    found = _control_ids(user, limit)
    rows = {
        a.pk: a
        for a in Appeal.objects.filter(pk__in=found.pks)
        .select_related("department", "executor")
        .only(*ROW_FIELDS)
    }
    return ControlView(**found.pick(rows))


def control_values(user: Any, *, limit: int = 50) -> ControlView[dict[str, Any]]:
    """The control view with rows as ``ROW_VALUES`` dicts (for the API)."""
    found = _control_ids(user, limit)
    rows = {d["id"]: d for d in Appeal.objects.filter(pk__in=found.pks).values(*ROW_VALUES)}
    return ControlView(**found.pick(rows))


@dataclass
class _Found:
    pks: set[int]
    ordered: dict[str, list[int]]

    def pick[R](self, rows: dict[int, R]) -> dict[str, list[R]]:
        return {name: [rows[pk] for pk in pks if pk in rows] for name, pks in self.ordered.items()}


def _control_ids(user: Any, limit: int) -> _Found:
    """D-4: what is due today, in the next 3 working days, overdue, extended; plus anonymous
    reports of crimes waiting to be forwarded and extension notices still to send.

    Two queries whatever the page size: the ids of every section in one UNION ALL of small
    ordered index scans (one per section, on SQLite which cannot order inside a compound
    query), then their rows in one query."""
    today = timezone.localdate()
    soon = get_calendar(around=today).add_working_days(today, 3)
    base = access.visible_appeals(user).filter(status__in=list(OPEN_STATUSES))
    sections: dict[str, tuple[AppealQuerySet, tuple[str, ...]]] = {
        "forward_now": (
            base.filter(status=Status.REGISTERED, suggested_decision="forwarded"),
            ("registered_at",),
        ),
        "overdue": (base.filter(due_date__lt=today), ("due_date", "seq")),
        "due_today": (base.filter(due_date=today), ("seq",)),
        "due_soon": (base.filter(due_date__gt=today, due_date__lte=soon), ("due_date", "seq")),
        "extended": (base.filter(extension_days__isnull=False), ("due_date",)),
        "notices_pending": (
            base.filter(extension_days__isnull=False, extension_notice_sent_at__isnull=True),
            ("extension_notice_due",),
        ),
        "undecided": (base.filter(status=Status.REGISTERED), ("registered_at",)),
    }
    keys = ("registered_at", "due_date", "seq", "extension_notice_due")
    parts = [
        qs.order_by(*order)
        .annotate(section=Value(name, output_field=CharField()))
        .values_list("section", "id", *keys)[:limit]
        for name, (qs, order) in sections.items()
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        found = list(parts[0].union(*parts[1:], all=True).order_by())
    else:
        found = [row for part in parts for row in part]
    ids: dict[str, list[tuple[Any, ...]]] = {name: [] for name in sections}
    for section, pk, *values in found:
        ids[section].append((pk, dict(zip(keys, values, strict=True))))
    ordered: dict[str, list[int]] = {}
    for name, (_qs, order) in sections.items():
        # UNION ALL does not promise to keep each part's order: sort again by its keys.
        entries = sorted(ids[name], key=partial(_sort_key, order))
        ordered[name] = [pk for pk, _values in entries]
    return _Found(pks={row[1] for row in found}, ordered=ordered)


def _sort_key(order: tuple[str, ...], entry: tuple[Any, dict[str, Any]]) -> tuple[Any, ...]:
    return tuple((entry[1][k] is None, entry[1][k]) for k in order)
