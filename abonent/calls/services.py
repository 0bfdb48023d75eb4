"""Writes of the contact centre other than the event ingest (see ``ingest``): the nightly
statistics import, operator lines, links between calls and appeals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from abonent.appeals.models import Appeal
from abonent.calls import oktell
from abonent.calls.ingest import record_event
from abonent.calls.models import Call, OperatorLine, Source
from abonent.core.audit import record


@dataclass
class ImportResult:
    rows: int = 0
    chains: int = 0
    internal: int = 0
    events_new: int = 0
    events_existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped_chains: list[str] = field(default_factory=list)


def import_oktell_export(text: str, *, actor: Any = None) -> ImportResult:
    """Fold a CSV export of Oktell's statistics into the call log (see ``oktell``). Each
    event is its own transaction, like a web request; a replayed file stores nothing new."""
    parsed = oktell.parse_export(text, ZoneInfo(settings.ABONENT_OKTELL_TIME_ZONE))
    result = ImportResult(rows=parsed.rows, errors=list(parsed.errors))
    result.skipped_chains = sorted(parsed.broken_chains)
    for chain, events in oktell.all_events(parsed):
        if isinstance(events, oktell.BadChain):
            result.errors.append((events.line, f"chain {chain}: {events}"))
            result.skipped_chains.append(chain)
            continue
        if not events:
            result.internal += 1
            continue
        result.chains += 1
        for data in events:
            new, _state = record_event(data, actor=actor, source=Source.IMPORT)
            if new:
                result.events_new += 1
            else:
                result.events_existing += 1
    result.errors.sort()
    return result


@transaction.atomic
def add_operator_line(*, login: str, user: Any, actor: Any) -> OperatorLine:
    """Name a staff member's PBX login or extension; calls already logged under it are
    matched to them."""
    line = OperatorLine.objects.create(login=login, user=user)
    matched = Call.objects.filter(operator_login=login, operator__isnull=True).update(operator=user)
    record(
        actor=actor,
        action="call.operator_line_added",
        obj=line,
        after={"login": login, "user": user.get_username(), "calls_matched": matched},
    )
    return line


@transaction.atomic
def link_call_to_appeal(*, call: Call, appeal: Appeal, actor: Any) -> bool:
    """The appeal was taken on (or is about) this call (CC-8): its recording is kept while
    the appeal is open. Returns False when they were linked already."""
    if call.appeals.filter(pk=appeal.pk).exists():
        return False
    call.appeals.add(appeal)
    record(
        actor=actor,
        action="call.appeal_linked",
        obj=call,
        after={"appeal": appeal.incoming_number},
    )
    return True
