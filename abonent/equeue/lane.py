"""The call-next lane: ``POST /api/v1/queue/windows/{id}/call-next`` from an operator's
console with a bearer token answered in the server's event loop (#5: twenty windows
pressing at once, p99 under 50 ms, no ticket to two windows).

On PostgreSQL the ASGI entry point offers every such press here first (``core/lane.py``
has what the lanes share, and their rule: answer only what the API operation would answer,
exactly so; otherwise send nothing, keep nothing, and leave the request to the operation).
The lane calls the next consumer as ``services.call_next_ticket`` does, on a connection of
the lanes' pool. The presses that reach a server process together are answered together
(``core.lane.Batches``): the first at once, those that arrive meanwhile in the next batch,
each batch one round trip and one transaction — the pipeline's implicit one (no ``BEGIN``:
PostgreSQL commits the statements sent before a Sync together, or none of them), READ
COMMITTED (under another isolation level that the settings name, the press is the
operation's). Windows are locked in the order of their ids. For each press, one after
another:

1. the token checked (active, its user active and not a superuser) and the window locked
   with its office; the token's user and the press's place in the batch are kept for the
   rest of the transaction (``PRESSED_BY``, a setting local to it), and how the call
   statement is planned (``PLANS``, as local: generic plans, no JIT, and no sort where an
   index gives the order; the tests check which indexes the plan reads). Both statements are
   prepared on their first execution on a connection: until a statement is prepared,
   PostgreSQL plans it on every execution, and planning the call statement costs several
   times what running it does (the lanes' pool opens connections as load grows, and each
   paid that on its first five presses);
2. a statement of its own, after the lock, so that it sees what the press that held the
   lock before committed and what the presses before it in the batch called: while the
   user sits at the window, the window is open for calls and serves nobody, and the
   fairness rule's priority streak is not full (``g``), the same claim as the operation's
   (``services._claim_and_call_sql``: the next ticket by the same order, ``SKIP LOCKED``,
   changed to ``called``), with the call's audit row and step written from the called
   ticket's row, and the live event for the other server processes (``pg_notify``, sent by
   PostgreSQL only when the transaction commits).

Then the event to this process's boards and consoles, and the answer; when the window may
call and nobody waits, the operation's 204 with nothing written but the token's last use
(at the end of the day every window presses into an empty line). The office's and the
window's hours are checked before (a per-process snapshot): a closed office or a window on
its break is the operation's to answer.

The operation's own lock on the window and ``SKIP LOCKED`` claim are the same, so the lane
and the operation can press at once and still never hand one ticket to two windows. The
lane leaves to the operation: a token it would refuse, a superuser, a window the user does
not sit at, an unknown or closed window, a window still serving someone, a closed office or
a window on its break, a full priority streak (the rule then looks at the waiting line),
nobody to call while a ticket issued after the press's time waits (the operation, at its
own time, may call it), hours that must be loaded from the database, an error PostgreSQL
reports (for every press of the batch: its transaction is gone). Nothing is then written
for the press but the token's last use (or nothing at all), and the operation takes it
afresh. An error that leaves unknown whether the calls committed (a lost connection) is not
left to the operation, which would call a second consumer: the server answers 500 to every
press of the batch, and the consoles show their windows' state.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from abonent.core import audit, lane
from abonent.core.lib import bus, fast_insert
from abonent.core.models import AuditEntry, Office, StaffProfile, Window
from abonent.equeue import events, services
from abonent.equeue.models import Action, Priority, Status, Ticket, TicketEvent

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


# The token's user and the press's place in its batch ("user:place"), set by the locking
# statement for the rest of its transaction: the call statement that follows it in the same
# round trip reads it (``_guard_sql``). The place: a locking statement that finds no row sets
# nothing, and the next press's call must not take the user of the press before it.
PRESSED_BY = "abonent.call_next_user"
# How PostgreSQL plans the call statement, set by the locking statement for the rest of its
# transaction: as the operation plans its claim (``services.CLAIM_PLANNER``: no sort where an
# index gives the order, no JIT), and with generic plans: with a year of tickets in the
# tables it chose to plan the call statement anew on every press, which cost more than
# running it.
PLANS = {"plan_cache_mode": "force_generic_plan", **services.CLAIM_PLANNER}
# Presses of one process answered in one transaction at most (``Batches``).
BATCH_SIZE = 32


@functools.cache
def _lock_sql() -> str:
    """The token's user and the window locked (``services._window_sql`` with the token
    check); the row: the user's id, the window's number and its office's code (what the
    answer shows of them). The user's id and the press's place in its batch (the last
    value) are also set as ``PRESSED_BY`` until the transaction ends (whether the user sits
    at the window is ``g``'s)."""
    window, office = Window._meta, Office._meta
    number, code = window.get_field("number").column, office.get_field("code").column
    # The user is set for the locked row only: in the outer statement, after the lock
    # (PostgreSQL evaluates a select list before locking the row it reads).
    return (
        f"WITH {lane.token_cte(integration_only=False, who=False)}, "  # noqa: S608
        f'locked AS MATERIALIZED (SELECT tok.user_id, w."{number}", o."{code}" '
        f'FROM tok, "{window.db_table}" w JOIN "{office.db_table}" o '
        "ON o.id = w.office_id WHERE w.id = %s FOR UPDATE OF w) "
        f"SELECT locked.*, set_config('{PRESSED_BY}', locked.user_id::text || ':' || %s, true), "
        + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in PLANS.items())
        + " FROM locked"
    )


@functools.cache
def _guard_sql() -> str:
    """``g``: the pressing user's id and name when the lane may call (a statement of its
    own, after the window's lock, so that it sees what the press that held the lock before
    committed): the locking statement of this press (its place in the batch) found the
    token and the window, the user sits at the
    window, the window is open for calls (``is_active``), it serves nobody, and the
    fairness rule's priority streak is not full (else the rule reads the waiting line: the
    operation's part) — by the operation's own statements (``services._BUSY_SQL``,
    ``_LAST_CALLS_SQL``). Its values: ``_guard_params``."""
    user_model = get_user_model()
    username: Any = user_model._meta.get_field(user_model.USERNAME_FIELD)
    return (
        f'g AS (SELECT u.id AS uid, u."{username.column}" AS label '  # noqa: S608
        f'FROM "{user_model._meta.db_table}" u '
        f"WHERE u.id = nullif(split_part(current_setting('{PRESSED_BY}', true), ':', 1), '')"
        f"::bigint AND split_part(current_setting('{PRESSED_BY}', true), ':', 2) = %s "
        f'AND EXISTS (SELECT 1 FROM "{StaffProfile._meta.db_table}" p '
        f'JOIN "{Window._meta.db_table}" w ON w.id = p.window_id '
        "WHERE p.user_id = u.id AND w.id = %s AND w.is_active) "
        f"AND NOT EXISTS ({services._BUSY_SQL}) "
        "AND (SELECT count(*) < %s OR coalesce(bool_or(priority = %s), false) "
        f"FROM ({services._LAST_CALLS_SQL}) last))"
    )


def _guard_params(window_id: int, midnight: datetime, place: int) -> list[Any]:
    """``_guard_sql``'s values (``services._regular_first`` reads the same last calls)."""
    streak = services.priority_streak()
    return [
        str(place), window_id, window_id, streak, Priority.NONE.value, window_id,
        Action.CALLED.value, midnight, streak,
    ]  # fmt: skip


@functools.lru_cache(maxsize=4)
def _days(at: datetime) -> tuple[date, datetime]:
    """The local day of the presses' time and its midnight: once per batch (its presses
    share their time)."""
    local = timezone.localtime(at)
    return local.date(), local.replace(hour=0, minute=0, second=0, microsecond=0)


@functools.lru_cache(maxsize=4)
def _event_params(at: datetime) -> tuple[str, ...]:
    """The call's step in the live event (``events.ticket_event_params``), once per batch."""
    return tuple(events.ticket_event_params(action=Action.CALLED, at=at))


# The office of the window whose id is the value.
_WINDOWS_OFFICE = f'(SELECT w.office_id FROM "{Window._meta.db_table}" w WHERE w.id = %s)'  # noqa: S608


@functools.cache
def _claim_sql() -> tuple[list[Any], str]:
    """The claim and call of ``_call_sql``: the window's office found by the statement, the
    pressing user the employee, only while ``g`` holds, and among the tickets issued by the
    time of the press (``_call_params``' ``at``): as if the operation had taken it then."""
    return services._claim_and_call_sql(
        office=_WINDOWS_OFFICE,
        employee="(SELECT uid FROM g)",
        guard="EXISTS (SELECT 1 FROM g) AND t.issued_at <= %s",
    )


@functools.cache
def _from_sql() -> tuple[dict[str, str], dict[str, str]]:
    """The values of the audit row's and of the step's fields that ``_call_sql`` takes from
    the called ticket's row (``u``) and the pressing user (``g``)."""
    fields, _sql = _claim_sql()
    columns = {f.attname: f.column for f in fields}

    def state(column: dict[str, str]) -> str:  # the audited fields, as audit.snapshot()
        pairs = ", ".join(f"'{a}', u.\"{column[a]}\"" for a in services.AUDITED)
        return f"jsonb_build_object({pairs})"

    user = "(SELECT uid FROM g)"
    entry = {
        "actor": user,
        "actor_label": "(SELECT label FROM g)",
        "object_id": 'u."id"::text',
        "before": state({a: services.WAS + a for a in services.AUDITED}),
        "after": state(columns),
    }
    step = {"ticket": 'u."id"', "actor": user, "priority": f'u."{columns["priority"]}"'}
    return entry, step


# The called ticket's fields that ``_call_sql`` answers, in this order.
_ANSWERED = (
    "id", "number", "status", "priority", "issued_at", "called_at", "comment", "service_id",
    "office_id",
)  # fmt: skip


@functools.cache
def _call_sql(notify: bool) -> str:
    """While ``g`` holds: the claim and the call (``_claim_sql``, priority consumers first),
    the call's audit row and step written from the called ticket's row, and (``notify``) the
    live event for the other processes — one statement, whose answer is the called ticket's
    fields that the answer shows (``_ANSWERED``), its service's code and (with nobody to
    call) whether a ticket issued after the press waits (``_LATER_SQL``), then (``notify``)
    the ``pg_notify`` column: no row when ``g`` does not hold; when it holds and nobody is
    called, a row whose only value is ``_LATER_SQL``'s."""
    fields, claim = _claim_sql()
    columns = {f.attname: f.column for f in fields}
    entry_sql, step_sql = _from_sql()
    entry = fast_insert.insert_from_sql(AuditEntry, "u", entry_sql)
    step = fast_insert.insert_from_sql(TicketEvent, "u", step_sql)
    office = events.channel_sql(f'u."{columns["office_id"]}"')
    window = f'u."{columns["window_id"]}"'
    number = f'(SELECT w.number FROM "{Window._meta.db_table}" w WHERE w.id = {window})'  # noqa: S608
    event = bus.notify_sql(office, events.ticket_event_sql("u", columns, number))
    # Sent for a call only: with nobody to call the row is ``g``'s alone.
    last = f', CASE WHEN u."id" IS NOT NULL THEN {event} END' if notify else ""
    answered = ", ".join(f'u."{columns[name]}"' for name in _ANSWERED)
    return (
        f"WITH {_guard_sql()}, u AS ({claim}), a AS ({entry}), e AS ({step}) "  # noqa: S608
        f'SELECT {answered}, u."{services.OF_SERVICE}code", '
        f'CASE WHEN u."id" IS NULL THEN {_LATER_SQL} END{last} FROM g LEFT JOIN u ON true'
    )


# Whether the window's office has a ticket waiting that was issued after the press's time
# (the claim leaves it: its call would precede its issue), on the press's day or later (a
# press that waited for its window over midnight): with nobody to call before then, the
# operation answers the press — at its own time it may call that ticket.
_LATER_SQL = (
    f'EXISTS (SELECT 1 FROM "{Ticket._meta.db_table}" t '  # noqa: S608
    f"WHERE t.office_id = {_WINDOWS_OFFICE} AND t.day >= %s "
    f"AND t.status = '{Status.WAITING.value}' AND t.issued_at > %s)"
)


def _call_params(window_id: int, at: datetime, place: int = 0) -> list[Any]:
    """The values of ``_call_sql`` up to the live event's, for the press at ``place`` in
    its batch."""
    # The streak is not full (``g``): priority consumers first. The office is the window's,
    # found by the statement (its value: the window's id); the claim's guard: issued by
    # ``at``.
    day, midnight = _days(at)
    claim = services.claim_params_of_day(window_id, window_id, day, guard=[at])
    entry, entry_at, step, step_at = _written(window_id)
    entry[entry_at] = timezone.now()  # the audit row's own default
    step[step_at] = at
    later = [window_id, day, at]  # ``_LATER_SQL``
    return [
        *_guard_params(window_id, midnight, place), *claim, window_id, at, *entry, *step, *later
    ]  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _written_at(window_id: int) -> tuple[tuple[Any, ...], int, tuple[Any, ...], int]:
    """The values of the call's audit row and step that ``_call_sql`` binds (the rest come
    from its rows), as ``fast_insert.insert_values_but`` gives them, and where their times
    go: they differ between presses at a window in their times only."""
    entry_sql, step_sql = _from_sql()
    entry = audit.new_entry_in_sql(action=f"ticket.{Action.CALLED}", model=Ticket)
    step = TicketEvent(action=Action.CALLED, note="", window_id=window_id)  # its time: none
    entry_fields = [f.name for f in fast_insert.value_fields(AuditEntry) if f.name not in entry_sql]
    step_fields = [f.name for f in fast_insert.value_fields(TicketEvent) if f.name not in step_sql]
    return (
        _plain(fast_insert.insert_values_but(entry, entry_sql)),
        entry_fields.index("at"),
        _plain(fast_insert.insert_values_but(step, step_sql)),
        step_fields.index("at"),
    )


def _plain(values: list[Any]) -> tuple[Any, ...]:
    """The values with choices as the strings they are (psycopg finds the adapter of a
    ``str`` at once, of its subclass by looking through the class's ancestors)."""
    return tuple(v.value if isinstance(v, enum.Enum) else v for v in values)


def _written(window_id: int) -> tuple[list[Any], int, list[Any], int]:
    """``_written_at``'s values, to fill in."""
    entry, entry_at, step, step_at = _written_at(window_id)
    return list(entry), entry_at, list(step), step_at


def _answer(
    locked: Any, row: Any, at: datetime
) -> tuple[dict[str, Any], tuple[str, dict[str, Any]]]:
    """The answer to the press — ``api.ticket_out`` of the called ticket, as a dict in its
    fields' order — and the call's live event (``events.ticket_event``), from the rows of the
    locking (the window's number, its office's code) and the call statements: built from
    the values themselves, not from models (loading them and the schema took about 40% of
    the lane's Python)."""
    _uid, window_number, office_code = locked[:3]
    ticket = dict(zip(_ANSWERED, row, strict=False))
    if ticket["status"] != Status.CALLED:  # what the statement writes; place_in_line: 0
        raise RuntimeError(f"Call-next lane: a call answered {ticket['status']!r}")
    answer = {
        "id": ticket["id"],
        "number": ticket["number"],
        "office": office_code,
        "service": row[len(_ANSWERED)],
        "status": ticket["status"],
        "priority": ticket["priority"],
        "window": window_number,
        "target_window": None,  # the call clears it
        "issued_at": ticket["issued_at"],
        "called_at": ticket["called_at"],
        "comment": ticket["comment"],
        "position": 0,
        "estimated_wait_minutes": 0,
    }
    event = events.ticket_event_of(
        ticket["office_id"], ticket, action=Action.CALLED, at=at, window_number=window_number
    )
    return answer, event


@dataclass(frozen=True, slots=True)
class _Press:
    window_id: int
    token: str
    notify: list[str] | None  # ``bus.notify_sql_params()``


# A press's outcome: the locking and the call statements' rows and the press's time, or
# None when the press is the operation's (nothing was kept for it).
_Outcome = tuple[Any, Any, datetime] | None


async def _call_all(presses: list[_Press]) -> list[_Outcome]:
    """The presses that arrived together, in one transaction: for each, the locking and the
    call statements, all sent in one round trip and committed together (or not at all, and
    then every press is the operation's). Windows are locked in the order of their ids, so
    two batches never wait for each other in a circle; the statements run one after another,
    so a press's claim sees the tickets that those before it called."""
    out: list[_Outcome] = [None] * len(presses)
    wrote = False
    try:
        pool = await lane.POOL.get()
        async with pool.connection() as conn:
            at = services.now()  # the presses' time, once a connection is there
            order = sorted(
                (i for i, press in enumerate(presses) if _open(press.window_id, at)),
                key=lambda i: presses[i].window_id,
            )
            sent = []
            # Without a call (``g`` does not hold, or nobody waits: 204), nothing is written
            # for a press but the token's last use, which the operation keeps too.
            async with conn.pipeline():
                for place, i in enumerate(order):
                    press = presses[i]
                    values = _call_params(press.window_id, at, place)
                    if press.notify is not None:
                        values += [*press.notify, *_event_params(at)]
                    lock = [*lane.token_params(press.token, timezone.now()), press.window_id]
                    locking = await lane.execute(
                        conn, _lock_sql(), [*lock, str(place)], at_once=True
                    )
                    wrote = True  # the calls go with the locks, in one round trip
                    calling = await lane.execute(
                        conn, _call_sql(press.notify is not None), values, at_once=True
                    )
                    sent.append((i, locking, calling))
            for i, locking, calling in sent:
                out[i] = (await locking.fetchone(), await calling.fetchone(), at)
    except Exception as error:
        if wrote and lane.uncertain(error):
            raise  # the calls may have committed: a second press would call another consumer
        log.warning("Call-next lane: %r; the presses go on to the operation", error)
        return [None] * len(presses)
    return out


def _open(window_id: int, at: datetime) -> bool:
    """Whether the office and the window are open by this process's snapshot of their
    hours; when closed, or when the hours must be loaded, the operation says it."""
    try:
        services.check_open(window_id, at)
    except Exception as error:  # closed, or hours to load from the database
        log.debug("Call-next lane: %r; the press goes on to the operation", error)
        return False
    return True


_BATCHES = lane.Batches(_call_all, BATCH_SIZE)


async def post_call_next(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the press and return True, or return False having sent and kept nothing."""
    window_id = window_of(scope["path"])
    token = lane.eligible(scope)
    if window_id is None or token is None or body or not lane.read_committed():
        return False
    if not all(fast_insert.applies(m) for m in (AuditEntry, TicketEvent)):
        return False
    notify = bus.notify_sql_params()
    outcome = await _BATCHES.submit(_Press(window_id, token, notify))
    if outcome is None:
        return False
    locked, row, at = outcome
    if row is None:
        return False
    if locked is None:  # g holds only after the lock statement found the window
        raise RuntimeError("Call-next lane: a call without its locked window")
    if row[0] is None:  # g held and nobody was called
        if row[len(_ANSWERED) + 1]:  # a ticket issued after the press: the operation's
            return False
        await lane.respond_no_content(scope, send)  # nobody waits: the operation's 204
        return True
    answer, (channel, payload) = _answer(locked, row, at)
    if notify is not None:
        bus.deliver_here(channel, payload)
    else:
        bus.publish(channel, payload)
    await lane.respond(scope, send, 200, json.dumps(answer, cls=NinjaJSONEncoder).encode())
    return True
