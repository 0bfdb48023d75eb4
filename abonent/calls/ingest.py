"""The ingest of PBX events (CC-4): ``POST /api/v1/telephony/events`` and the statistics
import both end here.

Two statements per event, in one transaction, and no per-event Python work beyond building
their parameters:

1. ``INSERT INTO calls_callevent ... ON CONFLICT (call_id, event) DO NOTHING RETURNING id``
   — the event is stored once; a replay inserts nothing.
2. only when (1) inserted: one ``INSERT INTO calls_call ... ON CONFLICT (call_id) DO UPDATE``
   that fills the columns this kind of event owns (``COALESCE``: there is only ever one event
   of a kind, so the order of arrival cannot matter) and takes phone, direction and operator
   from the event of the best rank present (``models.EVENT_RANK``/``OPERATOR_RANK``); the
   operator's user is matched in the same statement through ``OperatorLine.login``.
   A replay reads the call instead (one ``SELECT``).

The SQL is the UPSERT dialect PostgreSQL and SQLite share (``ON CONFLICT``, ``RETURNING``).
The event rows are the call's append-only history (who sent what, when, as received), so no
separate audit row is written per event: at 1,000 events/s that would double the writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from abonent.calls.models import (
    EVENT_RANK,
    NO_RANK,
    OPERATOR_RANK,
    Call,
    CallEvent,
    Direction,
    Event,
    Source,
)
from abonent.core.lib.moments import aware_utc


@dataclass(frozen=True)
class EventData:
    """One validated event. ``at`` is aware (UTC); ``phone`` already normalised."""

    event: str
    call_id: str
    at: datetime
    phone: str = ""
    direction: str = Direction.IN
    operator: str = ""
    recording_url: str = ""
    recorded: bool = False
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallState:
    call_id: str
    status: str
    direction: str
    phone: str
    operator: str
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration: int | None
    recorded: bool
    recording: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "status": self.status,
            "direction": self.direction,
            "phone": self.phone,
            "operator": self.operator,
            "started_at": self.started_at,
            "answered_at": self.answered_at,
            "ended_at": self.ended_at,
            "duration": self.duration,
            "recorded": self.recorded,
            "recording": self.recording,
        }


STATE_COLUMNS = (
    "call_id",
    "status",
    "direction",
    "phone",
    "operator_login",
    "started_at",
    "answered_at",
    "ended_at",
    "duration",
    "recorded",
    "recording_ref",
    "recording_purged_at",
)
_RETURNING = ", ".join(STATE_COLUMNS)

EVENT_COLUMNS = "call_id, event, at, payload, source, received_at, received_by_id"
_INSERT_EVENT = (
    f"INSERT INTO calls_callevent ({EVENT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
    "ON CONFLICT (call_id, event) DO NOTHING RETURNING id"
)


def _better(column: str, rank: str) -> str:
    """Take ``column`` from the incoming event when its ``rank`` is better (lower)."""
    return (
        f"{column} = CASE WHEN excluded.{rank} < calls_call.{rank} "
        f"THEN excluded.{column} ELSE calls_call.{column} END"
    )


# Built from constants only (column names), never from input: parameters are bound.
_UPSERT_CALL = (
    "INSERT INTO calls_call (call_id, direction, phone, phone_rank, operator_login, "  # noqa: S608
    "operator_rank, operator_id, started_at, answered_at, ended_at, recorded, recording_ref, "
    "recording_at, retained_for_appeal, created_at) VALUES (%s, %s, %s, %s, %s, %s, "
    "(SELECT user_id FROM calls_operatorline WHERE login = %s), %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (call_id) DO UPDATE SET "
    "started_at = COALESCE(calls_call.started_at, excluded.started_at), "
    "answered_at = COALESCE(calls_call.answered_at, excluded.answered_at), "
    "ended_at = COALESCE(calls_call.ended_at, excluded.ended_at), "
    "recording_at = COALESCE(calls_call.recording_at, excluded.recording_at), "
    "recording_ref = CASE WHEN calls_call.recording_ref = '' "
    "AND calls_call.recording_purged_at IS NULL "
    "THEN excluded.recording_ref ELSE calls_call.recording_ref END, "
    "recorded = CASE WHEN excluded.recorded THEN excluded.recorded ELSE calls_call.recorded END, "
    f"{_better('phone', 'phone_rank')}, {_better('direction', 'phone_rank')}, "
    f"{_better('operator_login', 'operator_rank')}, {_better('operator_id', 'operator_rank')}, "
    # Every right-hand side sees the row as it was (SQL), so the ranks compare old values.
    f"{_better('phone_rank', 'phone_rank')}, {_better('operator_rank', 'operator_rank')} "
    f"RETURNING {_RETURNING}"
)


def state_of(row: tuple[Any, ...] | dict[str, Any]) -> CallState:
    v = row if isinstance(row, dict) else dict(zip(STATE_COLUMNS, row, strict=True))
    return CallState(
        call_id=v["call_id"],
        status=v["status"],
        direction=v["direction"],
        phone=v["phone"],
        operator=v["operator_login"],
        started_at=aware_utc(v["started_at"]),
        answered_at=aware_utc(v["answered_at"]),
        ended_at=aware_utc(v["ended_at"]),
        duration=v["duration"],
        recorded=bool(v["recorded"]),
        recording=bool(v["recording_ref"]) and v["recording_purged_at"] is None,
    )


def _db_time(value: datetime | None) -> Any:
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


_PAYLOAD_FIELD = CallEvent._meta.get_field("payload")


# On PostgreSQL both statements go as one (a data-modifying CTE): the call is folded only
# when the event row was inserted, and outside a caller's transaction the statement commits
# by itself, one round trip for a PBX event instead of BEGIN, two statements and COMMIT.
UPSERT_CALL_FROM_INSERTED = _UPSERT_CALL.replace(") VALUES (%s, ", ") SELECT %s, ", 1).replace(
    "%s) ON CONFLICT (call_id)", "%s FROM inserted ON CONFLICT (call_id)", 1
)
# The same, committing asynchronously (PostgreSQL's ``synchronous_commit = off`` for this
# transaction only, set by the statement itself for every call row it writes): the answer
# does not wait for the WAL to reach the disk. A crash of the database server can lose the
# events of its last few hundred milliseconds (never corrupt anything); the PBX's nightly
# statistics import (``import_oktell_calls``) brings them back, as it does for any event the
# web requests missed. ``ABONENT_PBX_ASYNC_COMMIT=off`` makes every event wait for the disk.
UPSERT_CALL_FROM_INSERTED_LAZILY = UPSERT_CALL_FROM_INSERTED.replace(
    "FROM inserted ON CONFLICT (call_id)",
    "FROM inserted WHERE set_config('synchronous_commit', 'off', true) = 'off' "
    "ON CONFLICT (call_id)",
    1,
)
assert UPSERT_CALL_FROM_INSERTED_LAZILY != UPSERT_CALL_FROM_INSERTED
_INSERTED = f"WITH inserted AS ({_INSERT_EVENT.replace('RETURNING id', 'RETURNING call_id')}) "
_INSERT_EVENT_AND_UPSERT_CALL = _INSERTED + UPSERT_CALL_FROM_INSERTED
_ASYNC_COMMIT = _INSERTED + UPSERT_CALL_FROM_INSERTED_LAZILY


def statement_params(
    data: EventData, *, actor_id: int | None, source: str, now: datetime
) -> tuple[list[Any], list[Any]]:
    """The parameters of the event insert and of the call upsert, for the database of
    ``connection`` (the PBX lane passes them to PostgreSQL as they are)."""
    event = [
        data.call_id,
        data.event,
        _db_time(data.at),
        _PAYLOAD_FIELD.get_db_prep_save(data.payload, connection),
        source,
        _db_time(now),
        actor_id,
    ]
    kind = Event(data.event)
    call = [
        data.call_id,
        data.direction,
        data.phone,
        EVENT_RANK[kind] if data.phone else NO_RANK,
        data.operator,
        OPERATOR_RANK[kind] if data.operator else NO_RANK,
        data.operator,
        _db_time(data.at if kind == Event.STARTED else None),
        _db_time(data.at if kind == Event.ANSWERED else None),
        _db_time(data.at if kind == Event.ENDED else None),
        data.recorded or kind == Event.RECORDING_READY,
        data.recording_url if kind == Event.RECORDING_READY else "",
        _db_time(data.at if kind == Event.RECORDING_READY else None),
        False,
        _db_time(now),
    ]
    return event, call


def record_event(
    data: EventData, *, actor: Any, source: str = Source.API
) -> tuple[bool, CallState]:
    """Store one PBX event and fold it into its call. Returns (new, the call's state);
    ``new`` is False for a replay of an event already stored, which changes nothing."""
    event, call = statement_params(
        data, actor_id=getattr(actor, "pk", None), source=source, now=timezone.now()
    )
    if connection.vendor == "postgresql":
        # Its own transaction (no caller's block): commit without waiting for the WAL flush.
        lazy = settings.ABONENT_PBX_ASYNC_COMMIT and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute(_ASYNC_COMMIT if lazy else _INSERT_EVENT_AND_UPSERT_CALL, event + call)
            row = cursor.fetchone()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT_EVENT, event)
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(_UPSERT_CALL, call)
                row = cursor.fetchone()
    if row is None:  # a replay: the event row was there already
        return False, read_state(data.call_id)
    return True, state_of(row)


def read_state(call_id: str) -> CallState:
    found = Call.objects.filter(call_id=call_id).values(*STATE_COLUMNS).first()
    if found is None:  # the event row exists, so its call does: only a broken database
        raise LookupError(call_id)
    return state_of(found)
