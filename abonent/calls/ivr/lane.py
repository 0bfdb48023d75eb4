"""The IVR lane: ``POST /api/v1/ivr/step`` answered in the server's event loop (#6: an IVR
step under 20 ms p99).

Every key a caller presses in the voice menu is a request of the PBX, and the caller hears
silence until it is answered. On PostgreSQL the ASGI entry point offers each step here first
(``core/lane.py`` has what the PBX's lanes share, and the rules a lane keeps: it answers only
what it can answer exactly as the API operation would, and otherwise sends nothing and
leaves the request to the operation).

The lane takes the step as ``services.take_step`` does, on a connection of the lanes' pool,
in two statements, each its own transaction, and no lock held in between:

1. the token checked (as ``core/lane.token_cte``) and, for a valid one only, the session
   read (a first step finds none);
2. the operation's own step (``services.advance``: the dialogue engine on the tree) takes
   it in memory and gives the same answer (rendered as the operation's schema renders it);
   then one statement stores the session — a first step's new session
   unless another delivery created it meanwhile; an existing one *only if its ``last_seq``
   is still the one read*, no other delivery having taken a step of it meanwhile — and,
   only then, the step's row.

So two deliveries of one step cannot both be taken: the second finds the session created or
``last_seq`` moved on (PostgreSQL re-reads the row after the first commits, or after the
operation's lock is released) and goes to the operation, which answers it as a retry. The
lane leaves to the operation: a body the operation would refuse; a token it would refuse; a
retried or out-of-order ``seq`` (replay, ``seq_gap``, ``seq_conflict``), an unknown or ended
session; the steps of the balance and reading flows that look up accounts and store
readings through the ORM (entering those flows is the lane's); any error before its write (a
snapshot that must be reloaded from the database, for instance: the ORM refuses to run in
the event loop). Nothing of the step is kept then. An error that leaves unknown whether the
write committed (a lost connection) is not left to the operation, which could take the step
twice: the server answers 500 and the PBX retries the step, which a ``seq`` makes safe.

Commits are asynchronous unless ``ABONENT_PBX_ASYNC_COMMIT=off``, as for the PBX's events: a
crash of PostgreSQL itself can lose the last fraction of a second of steps, consistently
(a step and its session's update commit together); the PBX then retries the step, which is
taken afresh.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder
from pydantic import ValidationError

from abonent.calls.ivr import services
from abonent.calls.ivr.api import MAX_STEP_BYTES, ExpectOut, StepIn, StepOut, form_fields
from abonent.calls.ivr.dialogue import CONTINUE
from abonent.calls.ivr.models import IvrSession, IvrStep, NodeKind
from abonent.calls.ivr.tree import get_tree
from abonent.core import lane
from abonent.core.lib import fast_insert
from abonent.core.lib.fast_insert import loaded

PATH = "/api/v1/ivr/step"
log = logging.getLogger(__name__)


@functools.cache
def _read_sql() -> tuple[str, list[Any]]:
    """The token check and, for a valid token only, one row: the session with every column
    (the fields in the returned list), or NULLs when it has not started. Built from the
    model's names; every value is a bound parameter."""
    everything: list[Any] = list(IvrSession._meta.concrete_fields)
    columns = ", ".join(f's."{f.column}"' for f in everything)
    sql = (
        f"WITH {lane.token_cte()} SELECT {columns} FROM tok "  # noqa: S608
        f'LEFT JOIN "{IvrSession._meta.db_table}" s ON s.session_id = %s'
    )
    return sql, everything


@functools.cache
def _write_sql(new: bool, lazily: bool) -> str:
    """The session stored — a new one inserted unless one with its id appeared meanwhile
    (``new``), or an existing one updated only if no other request has taken a step of it
    since it was read (its ``last_seq`` unchanged) — and, only then, the step's row;
    ``lazily``: the commit does not wait for the disk. The values are ``fast_insert``'s for
    the session (an update's key last, then the ``last_seq`` read), then the step's without
    its session."""
    table = IvrSession._meta.db_table
    fields = fast_insert.value_fields(IvrSession)
    lazy = "WHERE set_config('synchronous_commit', 'off', true) = 'off' " if lazily else ""
    if new:
        stored = (
            f'INSERT INTO "{table}" ({lane.columns(fields)}) '
            f"SELECT {', '.join(['%s'] * len(fields))} {lazy}"
            "ON CONFLICT (session_id) DO NOTHING RETURNING id"
        )
    else:
        assignments = ", ".join(f'"{f.column}" = %s' for f in fields)
        lazy = lazy.replace("WHERE", "AND")
        stored = (
            f'UPDATE "{table}" SET {assignments} '  # noqa: S608
            f"WHERE id = %s AND last_seq = %s {lazy}RETURNING id"
        )
    step = fast_insert.insert_from_sql(IvrStep, "stored", {"session": "stored.id"})
    return f"WITH stored AS ({stored}) {step} RETURNING id"


def _step(scope: dict[str, Any], body: bytes) -> StepIn | None:
    raw = lane.body_fields(scope, body, MAX_STEP_BYTES)
    if raw is None:
        return None
    try:
        return StepIn.model_validate(form_fields(raw))
    except ValidationError:
        return None


def _the_operations(session: IvrSession, data: StepIn) -> bool:
    """Whether this step is left to the operation whatever else holds (see above)."""
    if data.seq is not None and data.seq != session.last_seq + 1:
        return True  # a replay, a gap or a taken number: the operation answers from the log
    if session.ended_at is not None:
        return True
    if data.hangup or session.last_seq == 0:
        return False
    node = get_tree().nodes.get(session.node_code)
    in_flow = node is not None and node.kind in (NodeKind.BALANCE, NodeKind.READING)
    return in_flow and session.state.get("await") != CONTINUE


async def post_step(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the step and return True, or return False having sent nothing and kept
    nothing of the step."""
    token = lane.eligible(scope)
    if token is None:
        return False
    data = _step(scope, body)
    if data is None or not (fast_insert.applies(IvrSession) and fast_insert.applies(IvrStep)):
        return False
    at = services.now()
    sql, fields = _read_sql()
    params = [*lane.token_params(token, timezone.now()), data.session]
    wrote = False
    try:
        pool = await lane.POOL.get()
        async with pool.connection() as conn:
            cursor = await conn.execute(sql, params)
            row = await cursor.fetchone()
            if row is None:  # not the PBX's token: the operation says why
                return False
            session = _session(data, fields, row, at)
            taken = None if session is None else _taken(session, data, at)
            if session is None or taken is None:
                return False
            status, answer, step = taken
            write_sql, values = _write(session, step)
            wrote = True
            cursor = await conn.execute(write_sql, values)
            if await cursor.fetchone() is None:
                return False  # another delivery of a step came first: the operation sorts it
    except Exception as error:
        if wrote and lane.uncertain(error):
            raise  # the write may have committed: a second try could take the step twice
        log.warning("IVR lane: %r; the step goes on to the operation", error)
        return False
    await lane.respond(scope, send, status, _rendered(answer))
    return True


def _session(data: StepIn, fields: list[Any], row: Any, at: Any) -> IvrSession | None:
    """The session read, or a new one for a first step (as ``services._open_session``
    creates it), or None where the operation answers (``unknown_session``)."""
    if row[0] is not None:
        return loaded(IvrSession, fields, row)
    if data.hangup or data.seq not in (None, 1):
        return None
    return IvrSession(session_id=data.session, caller=data.caller.strip(), started_at=at)


def _write(session: IvrSession, step: IvrStep) -> tuple[str, list[Any]]:
    """The write statement and its values: the session's, then the step's."""
    lazily = settings.ABONENT_PBX_ASYNC_COMMIT
    step_values = fast_insert.insert_values_but(step, ["session"])
    if session.pk is None:
        return _write_sql(True, lazily), [*fast_insert.insert_statement(session)[1], *step_values]
    *assigned, key = fast_insert.update_statement(session)[1]
    read_seq = session.last_seq - 1  # the dialogue took one step
    return _write_sql(False, lazily), [*assigned, key, read_seq, *step_values]


_ANSWER_FIELDS = tuple(StepOut.model_fields)
_EXPECT_FIELDS = tuple(ExpectOut.model_fields)


def _rendered(body: dict[str, Any]) -> bytes:
    """The answer as ninja renders it through ``StepOut``: its fields in order, the absent
    ones (``code`` and ``message`` of an accepted step) as null. ``answer_body`` builds
    exactly these fields (a test holds the two renderings equal); the schema's validation
    would only copy them."""
    out = {k: body.get(k) for k in _ANSWER_FIELDS}
    if out["expect"] is not None:
        out["expect"] = {k: out["expect"][k] for k in _EXPECT_FIELDS}
    return json.dumps(out, cls=NinjaJSONEncoder).encode()


def _taken(
    session: IvrSession, data: StepIn, at: Any
) -> tuple[int, dict[str, Any], IvrStep] | None:
    """The step taken on the session (changed in memory), or None where the operation
    takes it."""
    try:
        if _the_operations(session, data):
            return None
        # No actor: the flows that would store with one are the operation's.
        keys, hangup = data.input.strip(), data.hangup
        status, body, step = services.advance(session, keys=keys, hangup=hangup, at=at, actor=None)
    except Exception as error:  # whatever it is, the operation will say it
        log.debug("IVR lane: %r; the step goes on to the operation", error)
        return None
    return status, body, step
