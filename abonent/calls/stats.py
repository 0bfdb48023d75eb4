"""The supervisor's figures for a period (issue #6, point 5): incoming calls per hour and per
topic, the answered share, the average handling time, callbacks due and overdue, calls ended
for abuse. SQL aggregates only, three queries for any period and any number of calls.

Not here yet: the IVR's figures (paths taken, callers who hung up in the menu) come with the
IVR (CC-3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext as _

from abonent.calls.models import (
    Call,
    Callback,
    CallOutcome,
    CallTopic,
    Direction,
    OutcomeKind,
    TaskStatus,
)
from abonent.calls.queries import _local_midnight
from abonent.calls.rules import day_in_range
from abonent.core.errors import InvalidInput

MAX_DAYS = 366


@dataclass(frozen=True)
class HourRow:
    hour: int
    calls: int
    answered: int


@dataclass
class Stats:
    date_from: date
    date_to: date
    calls: int = 0
    answered: int = 0
    answered_share: float | None = None
    average_handling_seconds: int | None = None
    per_hour: list[HourRow] = field(default_factory=list)
    per_topic: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    callbacks_due: int = 0
    callbacks_overdue: int = 0
    abuse_terminations: int = 0


def check_period(date_from: date, date_to: date) -> None:
    """422 for a period that ends before it starts, is longer than a year or names a day
    outside 2000-2100 (before any shift by a time zone could overflow)."""
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if not day_in_range(day):
            message = _("A date from 2000-01-01 to 2100-12-31.")
            raise InvalidInput(message, code="invalid_date", fields={name: [message]})
    if date_to < date_from:
        raise InvalidInput(
            _("The period ends before it starts."),
            code="invalid_period",
            fields={"date_to": [_("The period ends before it starts.")]},
        )
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput(
            _("At most a year at a time."),
            code="period_too_long",
            fields={"date_to": [_("At most a year at a time.")]},
        )


def call_stats(date_from: date, date_to: date, *, moment: datetime) -> Stats:
    """Incoming calls whose moment (``Call.at``) falls in the local days ``date_from`` to
    ``date_to``; the outcomes of those calls; callbacks *due* in the period and still open,
    and every open callback *overdue* at ``moment`` whatever its day."""
    check_period(date_from, date_to)
    start = _local_midnight(date_from)
    end = _local_midnight(date_to + timedelta(days=1))
    zone = ZoneInfo(settings.TIME_ZONE)
    result = Stats(date_from=date_from, date_to=date_to)

    hours = (
        Call.objects.filter(at__gte=start, at__lt=end, direction=Direction.IN)
        .annotate(hour=ExtractHour("at", tzinfo=zone))
        .values("hour")
        .annotate(
            n=Count("id"),
            answered=Count("answered_at"),
            talk=Sum("duration"),
            talked=Count("duration"),
        )
        .order_by("hour")
    )
    talk_total = talked = 0
    for row in hours:
        result.per_hour.append(HourRow(hour=row["hour"], calls=row["n"], answered=row["answered"]))
        result.calls += row["n"]
        result.answered += row["answered"]
        talk_total += row["talk"] or 0
        talked += row["talked"]
    if result.calls:
        result.answered_share = round(result.answered / result.calls, 4)
    if talked:
        result.average_handling_seconds = round(talk_total / talked)

    result.per_topic = {code: 0 for code in CallTopic.values}
    result.outcomes = {code: 0 for code in OutcomeKind.values}
    outcomes = (
        CallOutcome.objects.filter(
            call__at__gte=start, call__at__lt=end, call__direction=Direction.IN
        )
        .values("topic", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for kinds in outcomes:
        if kinds["topic"]:
            result.per_topic[kinds["topic"]] += kinds["n"]
        result.outcomes[kinds["kind"]] += kinds["n"]
    result.abuse_terminations = result.outcomes[OutcomeKind.ABUSE]

    tasks = Callback.objects.filter(status=TaskStatus.OPEN).aggregate(
        due=Count("id", filter=Q(due_at__gte=start, due_at__lt=end)),
        overdue=Count("id", filter=Q(due_at__lt=moment)),
    )
    result.callbacks_due = tasks["due"]
    result.callbacks_overdue = tasks["overdue"]
    return result
