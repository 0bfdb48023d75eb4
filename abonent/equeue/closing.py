"""Closing the queue's past days (issue #5, point 7).

A ticket lives one day (``Ticket.day``, numbers restart daily). Whatever is still open after
its day is closed by ``close_past_days`` (the command ``close_queue_days``, run by cron after
midnight), along the queue's transition map:

* waiting → cancelled (the consumer left without being called);
* called → no_show (called, never came to the window);
* serving → done (the employee did not press "finish").

Each closed ticket gets ``finished_at`` = the last moment of its day in Asia/Almaty
(23:59:59.999999): the real end is unknown, and the end of the day keeps every timestamp of
the ticket inside its day. Each gets a ``TicketEvent`` at that moment with no actor (or the
given one) and the note ``AUTO_NOTE``, and an audit row. The statistics count these steps
(cancelled, no-shows, served) but never measure a service that ended this way.

Disputes (Q-6) still open about a ticket of a past day are closed with it: decision
"the redirection stands", the note ``AUTO_NOTE``, ``resolved_at`` at the end of the
ticket's day, no resolver (or the given actor), a ``resolved`` step and an audit row; the
statistics do not count them as settled by the hall administrator.

The queue's board and consoles show today's tickets only, so no bus event is sent; but a
window with yesterday's ticket still "called" or "serving" cannot call anyone today
(``call_next_ticket`` refuses a busy window), which is why this must run every night.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from abonent.core.models import AuditEntry
from abonent.equeue import services
from abonent.equeue.models import Action, Decision, Dispute, Status, Ticket, TicketEvent
from abonent.equeue.stats import AUTO_NOTE

# status now → (status after, the step written)
CLOSES: dict[str, tuple[str, str]] = {
    Status.WAITING: (Status.CANCELLED, Action.CANCELLED),
    Status.CALLED: (Status.NO_SHOW, Action.NO_SHOW),
    Status.SERVING: (Status.DONE, Action.FINISHED),
}


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _audit_row(user: Any, ticket: Ticket, before: str, action: str) -> AuditEntry:
    """The row ``audit.record`` writes, built for ``bulk_create``."""
    return AuditEntry(
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        action=f"ticket.{action}",
        object_type=Ticket._meta.label_lower,
        object_id=str(ticket.pk),
        before={"status": before},
        after={"status": ticket.status, "finished_at": ticket.finished_at.isoformat()}
        if ticket.finished_at
        else {"status": ticket.status},
        note=AUTO_NOTE,
    )


@transaction.atomic
def close_past_days(*, actor: Any = None, today: date | None = None) -> int:
    """Close every ticket of a day before ``today`` (default: today in Asia/Almaty) that is
    still waiting, called or being served. Returns how many were closed; running it again
    closes nothing more."""
    today = today or timezone.localdate(services.now())
    user = actor if getattr(actor, "is_authenticated", False) else None
    _close_disputes(user, today)
    # Locked, so a window finishing one of them right now is serialised with the closing.
    stale = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(day__lt=today, status__in=list(CLOSES))
        .order_by("id")
    )
    if not stale:
        return 0
    events: list[TicketEvent] = []
    audits: list[AuditEntry] = []
    for ticket in stale:
        before = ticket.status
        after, action = CLOSES[before]
        services.TRANSITIONS.check(before, after)
        at = end_of_day(ticket.day)
        ticket.status = after
        ticket.finished_at = at
        events.append(
            TicketEvent(
                ticket=ticket,
                at=at,
                action=action,
                window=ticket.window,
                actor=user,
                note=AUTO_NOTE,
                priority=ticket.priority,
            )
        )
        audits.append(_audit_row(user, ticket, before, action))
    Ticket.objects.bulk_update(stale, ["status", "finished_at"], batch_size=500)
    TicketEvent.objects.bulk_create(events, batch_size=500)
    AuditEntry.objects.bulk_create(audits, batch_size=500)
    return len(stale)


def _close_disputes(user: Any, today: date) -> int:
    """Settle the disputes still open about tickets of past days: the redirection stands."""
    open_ = list(
        Dispute.objects.select_for_update(of=("self",))
        .filter(ticket__day__lt=today, resolved_at__isnull=True)
        .select_related("ticket")
        .order_by("id")
    )
    if not open_:
        return 0
    events: list[TicketEvent] = []
    audits: list[AuditEntry] = []
    for dispute in open_:
        at = end_of_day(dispute.ticket.day)
        dispute.decision = Decision.KEEP
        dispute.decision_note = AUTO_NOTE
        dispute.resolved_by = user
        dispute.resolved_at = at
        events.append(
            TicketEvent(
                ticket_id=dispute.ticket_id,
                at=at,
                action=Action.RESOLVED,
                actor=user,
                note=AUTO_NOTE,
            )
        )
        audits.append(
            AuditEntry(
                actor=user,
                actor_label=user.get_username() if user is not None else "system",
                action="dispute.resolved",
                object_type=Dispute._meta.label_lower,
                object_id=str(dispute.pk),
                after={"decision": Decision.KEEP},
                note=AUTO_NOTE,
            )
        )
    Dispute.objects.bulk_update(
        open_, ["decision", "decision_note", "resolved_by", "resolved_at"], batch_size=500
    )
    TicketEvent.objects.bulk_create(events, batch_size=500)
    AuditEntry.objects.bulk_create(audits, batch_size=500)
    return len(open_)
