"""Live events of the queue (Q-4): every step of a ticket is published, after its
transaction commits, on the channel of its office; the display board, the hall
administrator's page and the operator consoles of that office subscribe."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from abonent.core.lib import bus

CHANNEL_PREFIX = "queue.office."


def channel(office_id: int) -> str:
    return f"{CHANNEL_PREFIX}{office_id}"


def channel_sql(office_id_sql: str) -> str:
    """``channel`` in SQL, of the office whose id the SQL ``office_id_sql`` gives."""
    return f"('{CHANNEL_PREFIX}' || {office_id_sql})"


def ticket_changed(ticket: Any, *, action: str, at: Any, window: Any = None) -> None:
    """Inside the service's transaction: publish the step once it commits. Ticket numbers
    and window numbers only — nothing about the consumer."""
    name, payload = ticket_event(ticket, action=action, at=at, window=window)
    transaction.on_commit(lambda: bus.publish(name, payload))


# The ticket's own fields in a step's payload (the key, the field's attribute).
_TICKET_FIELDS = (
    ("ticket", "id"),
    ("number", "number"),
    ("status", "status"),
    ("service", "service_id"),
)


def ticket_event(
    ticket: Any, *, action: str, at: Any, window: Any = None
) -> tuple[str, dict[str, Any]]:
    """The channel and payload of a ticket's step."""
    values = {name: getattr(ticket, name) for _key, name in _TICKET_FIELDS}
    number = window.number if window is not None else None
    return ticket_event_of(ticket.office_id, values, action=action, at=at, window_number=number)


def ticket_event_of(
    office_id: int, values: Mapping[str, Any], *, action: str, at: Any, window_number: int | None
) -> tuple[str, dict[str, Any]]:
    """``ticket_event`` from the ticket's values (``values``: by attribute, at least those
    of ``_TICKET_FIELDS``) rather than a model (a lane's)."""
    payload = _step_fields(action=action, at=at)
    payload["window"] = window_number
    payload.update((key, values[name]) for key, name in _TICKET_FIELDS)
    return channel(office_id), payload


def _step_fields(*, action: str, at: Any) -> dict[str, Any]:
    return {"action": action, "at": at.isoformat()}


def ticket_event_sql(row: str, columns: dict[str, str], window_number_sql: str) -> str:
    """``ticket_event``'s payload as a JSON object in SQL, for a statement that writes the
    ticket (a lane's): the ticket's fields from ``row`` (its alias; ``columns``: the
    column of each attribute), the window's number the SQL ``window_number_sql``, the
    step's fields from one value (``ticket_event_params``)."""
    fields = ", ".join(f"'{key}', {row}.\"{columns[name]}\"" for key, name in _TICKET_FIELDS)
    return f"(%s::jsonb || jsonb_build_object('window', {window_number_sql}, {fields}))"


def ticket_event_params(*, action: str, at: Any) -> list[str]:
    return [json.dumps(_step_fields(action=action, at=at))]


def dispute_changed(dispute: Any, *, office_id: int, action: str, at: Any) -> None:
    payload = {
        "action": action,
        "dispute": dispute.pk,
        "ticket": dispute.ticket_id,
        "at": at.isoformat(),
    }
    name = channel(office_id)
    transaction.on_commit(lambda: bus.publish(name, payload))
