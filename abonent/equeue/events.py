"""Live events of the queue (Q-4): every step of a ticket is published, after its
transaction commits, on the channel of its office; the display board, the hall
administrator's page and the operator consoles of that office subscribe."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from abonent.core.lib import bus


def channel(office_id: int) -> str:
    return f"queue.office.{office_id}"


def ticket_changed(ticket: Any, *, action: str, at: Any, window: Any = None) -> None:
    """Inside the service's transaction: publish the step once it commits. Ticket numbers
    and window numbers only — nothing about the consumer."""
    name, payload = ticket_event(ticket, action=action, at=at, window=window)
    transaction.on_commit(lambda: bus.publish(name, payload))


def ticket_event(
    ticket: Any, *, action: str, at: Any, window: Any = None
) -> tuple[str, dict[str, Any]]:
    """The channel and payload of a ticket's step."""
    payload = {
        "action": action,
        "ticket": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "service": ticket.service_id,
        "window": window.number if window is not None else None,
        "at": at.isoformat(),
    }
    return channel(ticket.office_id), payload


def dispute_changed(dispute: Any, *, office_id: int, action: str, at: Any) -> None:
    payload = {
        "action": action,
        "dispute": dispute.pk,
        "ticket": dispute.ticket_id,
        "at": at.isoformat(),
    }
    name = channel(office_id)
    transaction.on_commit(lambda: bus.publish(name, payload))
