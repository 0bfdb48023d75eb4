"""The voice menu's figures for the supervisor (CC-3): calls that entered the menu in a
period of local days, how they ended, and readings taken. One query for any period.

For ``GET /api/v1/calls/stats`` (its ``ivr`` field, owned by abonent/calls)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from abonent.calls.ivr.models import IvrSession, IvrStep, Outcome


@dataclass(frozen=True)
class IvrStats:
    sessions: int
    self_served: int
    transferred: int
    abandoned: int
    ended: int
    in_progress: int
    readings_accepted: int
    # The menu nodes callers went through (CC-3's "paths taken"), and where the callers who
    # hung up in the menu were last.
    nodes: dict[str, int]
    abandoned_at: dict[str, int]

    @property
    def self_service_share(self) -> float | None:
        """Of the calls that ended, the share served without an operator."""
        done = self.sessions - self.in_progress
        return round(self.self_served / done, 4) if done else None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def ivr_stats(date_from: date, date_to: date) -> IvrStats:
    found = IvrSession.objects.filter(
        started_at__gte=_local_midnight(date_from),
        started_at__lt=_local_midnight(date_to + timedelta(days=1)),
    ).aggregate(
        sessions=Count("id", distinct=True),
        self_served=Count("id", filter=Q(outcome=Outcome.SELF_SERVED), distinct=True),
        transferred=Count("id", filter=Q(outcome=Outcome.TRANSFERRED), distinct=True),
        abandoned=Count("id", filter=Q(outcome=Outcome.ABANDONED), distinct=True),
        ended=Count("id", filter=Q(outcome=Outcome.ENDED), distinct=True),
        in_progress=Count("id", filter=Q(outcome=""), distinct=True),
        readings_accepted=Count("steps", filter=Q(steps__result="reading_accepted")),
    )
    steps = IvrStep.objects.filter(
        at__gte=_local_midnight(date_from), at__lt=_local_midnight(date_to + timedelta(days=1))
    ).exclude(node_code="")
    nodes = dict(
        steps.values_list("node_code").annotate(n=Count("id")).values_list("node_code", "n")
    )
    abandoned_at = dict(
        IvrSession.objects.filter(
            started_at__gte=_local_midnight(date_from),
            started_at__lt=_local_midnight(date_to + timedelta(days=1)),
            outcome=Outcome.ABANDONED,
        )
        .values_list("node_code")
        .annotate(n=Count("id"))
        .values_list("node_code", "n")
    )
    return IvrStats(**found, nodes=dict(sorted(nodes.items())), abandoned_at=abandoned_at)
