"""The call-next lane: ``POST /api/v1/queue/windows/{id}/call-next`` from an operator's
console with a bearer token answered in the server's event loop (#5: twenty windows
pressing at once, p99 under 50 ms, no ticket to two windows).

On PostgreSQL the ASGI entry point offers every such press here first (``core/lane.py``
has what the lanes share, and their rule: answer only what the API operation would answer,
exactly so; otherwise send nothing, keep nothing, and leave the request to the operation).
The lane calls the next consumer as ``services.call_next_ticket`` does, in one transaction
on a connection of the lanes' pool, in three round trips to PostgreSQL:

1. ``BEGIN``; the token checked (active, its user active and not a superuser) and the
   window locked with its office and whether the user sits at it; then — statements of
   their own, after the lock, so that they see what the press that held it before
   committed — whether the window still serves someone, and its last calls today (the
   fairness rule's priority streak);
2. the same claim as the operation's (``services._claim_and_call_sql``: the next ticket by
   the same order, ``SKIP LOCKED``, changed to ``called`` in the same statement);
3. the call's audit row and step, the live event for the other server processes
   (``pg_notify``, sent by PostgreSQL only when the transaction commits), and ``COMMIT``.
   Then the event to this process's boards and consoles, and the answer.

The operation's own lock on the window and ``SKIP LOCKED`` claim are the same, so the lane
and the operation can press at once and still never hand one ticket to two windows. The
lane leaves to the operation: a token it would refuse, a superuser, a window the user does
not sit at, an unknown or closed window, a window still serving someone, a closed office or
a window on its break, a full priority streak (the rule then looks at the waiting line), an
empty line (204), any error before the write (a schedule snapshot that must be reloaded from
the database, for instance). Its transaction then ends with nothing written but the token's
last use, and the operation takes the press afresh. An error that leaves unknown whether the
call committed (a lost connection) is not left to the operation, which would call a second
consumer: the server answers 500 and the console shows the window's state.
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from abonent.core import audit, lane
from abonent.core.lib import bus, fast_insert
from abonent.core.lib.fast_insert import loaded
from abonent.core.models import AuditEntry, Office, Service, StaffProfile, Window
from abonent.equeue import events, services
from abonent.equeue.api import ticket_out
from abonent.equeue.models import Action, Priority, Ticket, TicketEvent

PREFIX, SUFFIX = "/api/v1/queue/windows/", "/call-next"
log = logging.getLogger(__name__)


def window_of(path: str) -> int | None:
    """The window's id when ``path`` is a call-next press, else None."""
    if not (path.startswith(PREFIX) and path.endswith(SUFFIX)):
        return None
    digits = path[len(PREFIX) : -len(SUFFIX)]
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        return None
    return int(digits)


@functools.cache
def _lock_sql() -> tuple[str, list[Any], list[Any]]:
    """The token's user and name, the window locked with its office, and whether the user
    sits at it (``services._window_sql`` with the token check); the fields of both."""
    windows: list[Any] = list(Window._meta.concrete_fields)
    offices: list[Any] = list(Office._meta.concrete_fields)
    sql = (
        f"WITH {lane.token_cte(integration_only=False)} "  # noqa: S608
        f"SELECT tok.user_id, tok.username, {lane.columns(windows, 'w.')}, "
        f"{lane.columns(offices, 'o.')}, "
        f'EXISTS (SELECT 1 FROM "{StaffProfile._meta.db_table}" p '
        "WHERE p.user_id = tok.user_id AND p.window_id = w.id) "
        f'FROM tok, "{Window._meta.db_table}" w JOIN "{Office._meta.db_table}" o '
        "ON o.id = w.office_id WHERE w.id = %s FOR UPDATE OF w"
    )
    return sql, windows, offices


@functools.cache
def _after_lock_sql() -> str:
    """Whether the window serves someone, and the priorities of its last calls today, newest
    first (``services._BUSY_SQL`` and ``_LAST_CALLS_SQL`` in one statement)."""
    return (
        f"SELECT EXISTS (SELECT 1 FROM {Ticket._meta.db_table} "  # noqa: S608
        f"WHERE window_id = %s AND {services.BUSY_CONDITION}), "
        f"ARRAY(SELECT priority FROM {TicketEvent._meta.db_table} "
        "WHERE window_id = %s AND action = %s AND at >= %s ORDER BY at DESC, id DESC LIMIT %s)"
    )


@functools.cache
def _call_sql(notify: bool) -> str:
    """The claim and the call (``services._claim_and_call_sql``), the call's audit row and
    step written from the called ticket's row in the same statement, and (``notify``) the
    live event for the other processes: one statement, the called ticket's row its answer
    (none when nobody waits)."""
    fields, claim = services._claim_and_call_sql()
    columns = {f.attname: f.column for f in fields}

    def state(column: dict[str, str]) -> str:  # the audited fields, as audit.snapshot()
        pairs = ", ".join(f"'{a}', u.\"{column[a]}\"" for a in services.AUDITED)
        return f"jsonb_build_object({pairs})"

    before = state({a: services.WAS + a for a in services.AUDITED})
    entry = fast_insert.insert_from_sql(
        AuditEntry,
        "u",
        {"object_id": 'u."id"::text', "before": before, "after": state(columns)},
    )
    step = fast_insert.insert_from_sql(
        TicketEvent, "u", {"ticket": 'u."id"', "priority": f'u."{columns["priority"]}"'}
    )
    last = f", {bus.notify_sql(events.ticket_event_sql('u', columns))}" if notify else ""
    return f"WITH u AS ({claim}), a AS ({entry}), e AS ({step}) SELECT u.*{last} FROM u"  # noqa: S608


class _Call:
    """A press on the locked window, through to the claimed ticket."""

    def __init__(self, locked: Any) -> None:
        _sql, windows, offices = _lock_sql()
        self.user_id, self.username = locked[0], locked[1]
        n = 2 + len(windows)
        self.window = loaded(Window, windows, locked[2:n])
        self.window.office = loaded(Office, offices, locked[n:-1])
        self.seated = bool(locked[-1])


def _may_claim(call: _Call, busy: bool, last: list[str], at: datetime) -> bool:
    """Whether the lane may claim: everything the operation checks first holds, and the
    fairness rule's streak is not full (else it reads the waiting line)."""
    if not call.seated or not call.window.is_active or busy:
        return False
    services._check_open(call.window, at)  # raises when closed: the operation says it
    streak = services.priority_streak()
    return len(last) < streak or any(p == Priority.NONE for p in last)


def _claimed(call: _Call, row: Any) -> Ticket:
    """The called ticket from the answer of ``_call_sql`` (``services._claim_and_call``
    after its statement)."""
    fields, _sql = services._claim_and_call_sql()
    service_fields: list[Any] = list(Service._meta.concrete_fields)
    m = len(fields) + len(services.AUDITED)
    ticket = loaded(Ticket, fields, row[: len(fields)])
    ticket.service = loaded(Service, service_fields, row[m : m + len(service_fields)])
    ticket.office = call.window.office
    ticket.window = call.window
    return ticket


def _call_params(call: _Call, claim_params: list[Any], at: datetime) -> tuple[list[Any], str, bool]:
    """The values of ``_call_sql``, the live event's channel, and whether the statement
    sends the event to the other processes (with PostgreSQL's bus)."""
    entry = audit.new_entry_in_sql(
        actor_id=call.user_id,
        actor_label=call.username,
        action=f"ticket.{Action.CALLED}",
        model=Ticket,
    )
    step = TicketEvent(
        at=at, action=Action.CALLED, actor_id=call.user_id, note="", window=call.window
    )
    channel = events.channel(call.window.office_id)
    notify = bus.notify_sql_params(channel)
    values = [
        *claim_params,
        *fast_insert.insert_values_but(entry, ["object_id", "before", "after"]),
        *fast_insert.insert_values_but(step, ["ticket", "priority"]),
    ]
    if notify is None:
        return values, channel, False
    step_fields = events.ticket_event_params(action=Action.CALLED, at=at, window=call.window)
    return [*values, *notify, *step_fields], channel, True


async def post_call_next(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the press and return True, or return False having sent and kept nothing."""
    window_id = window_of(scope["path"])
    token = lane.eligible(scope)
    if window_id is None or token is None or body:
        return False
    if not all(fast_insert.applies(m) for m in (AuditEntry, TicketEvent)):
        return False
    at = services.now()
    midnight = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    lock_sql = _lock_sql()[0]
    after = [window_id, window_id, Action.CALLED.value, midnight, services.priority_streak()]
    wrote = False
    try:
        pool = await lane.POOL.get()
        async with pool.connection() as conn, conn.pipeline():
            await conn.execute("BEGIN")
            locking = await conn.execute(
                lock_sql, [*lane.token_params(token, timezone.now()), window_id]
            )
            checking = await conn.execute(_after_lock_sql(), after)
            locked, (busy, last) = await locking.fetchone(), await checking.fetchone()
            at = services.now()  # after the lock, as the operation takes it
            taken = None if locked is None else _claim(locked, busy, last, at)
            if taken is None:
                # Nothing written but the token's last use, which the operation keeps too
                # (COMMIT, not ROLLBACK: a rollback makes psycopg forget prepared statements).
                await conn.execute("COMMIT")
                return False
            call, claim_params = taken
            values, channel, notified = _call_params(call, claim_params, at)
            wrote = True
            calling = await conn.execute(_call_sql(notified), values)
            await conn.execute("COMMIT")
            row = await calling.fetchone()
            if row is None:  # nobody waits: the operation answers 204
                return False
    except Exception as error:
        if wrote and lane.uncertain(error):
            raise  # the call may have committed: a second press would call another consumer
        log.warning("Call-next lane: %r; the press goes on to the operation", error)
        return False
    ticket = _claimed(call, row)
    _same, payload = events.ticket_event(ticket, action=Action.CALLED, at=at, window=call.window)
    if notified:
        bus.deliver_here(channel, payload)
    else:
        bus.publish(channel, payload)
    answer = json.dumps(ticket_out(ticket).model_dump(), cls=NinjaJSONEncoder).encode()
    await lane.respond(scope, send, 200, answer)
    return True


def _claim(
    locked: Any, busy: bool, last: list[str], at: datetime
) -> tuple[_Call, list[Any]] | None:
    """The press checked and the claim's values, or None where the operation takes it."""
    try:
        call = _Call(locked)
        if not _may_claim(call, busy, last, at):
            return None
    except Exception as error:  # a closed office, a snapshot to reload...: the operation's
        log.debug("Call-next lane: %r; the press goes on to the operation", error)
        return None
    # The streak is not full: priority consumers first.
    params = services.claim_params(call.window, at, regular_first=False)
    return call, [*params, call.window.pk, call.user_id, at]
