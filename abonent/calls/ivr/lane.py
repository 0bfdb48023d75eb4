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
   read — or, for a first step, created or read;
2. the same dialogue engine (``dialogue.Dialogue``) on the same tree takes the step in
   memory and gives the same answer (``services.answer_body``, rendered as the operation's
   schema renders it); then one statement stores the session back *only if its
   ``last_seq`` is still the one read* — no other delivery took a step of it meanwhile —
   and, only then, the step's row.

So two deliveries of one step cannot both be taken: the second finds ``last_seq`` moved on
(PostgreSQL re-reads the row after the first commits, or after the operation's lock is
released) and goes to the operation, which answers it from the log as a retry. The lane
leaves to the operation: a body the operation would refuse; a token it would refuse; a
retried or out-of-order ``seq`` (replay, ``seq_gap``, ``seq_conflict``), an unknown or ended
session; the steps of the balance and reading flows that look up accounts and store
readings through the ORM (entering those flows is the lane's); any error on the way (a
snapshot that must be reloaded from the database, for instance: the ORM refuses to run in
the event loop). A first step may leave its new session behind, as the operation's own
first step finds it; nothing else of the step is kept.

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

import psycopg
from django.conf import settings
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder
from pydantic import ValidationError

from abonent.calls.ivr import services
from abonent.calls.ivr.api import MAX_STEP_BYTES, StepIn, StepOut, form_fields
from abonent.calls.ivr.dialogue import CONTINUE, Dialogue
from abonent.calls.ivr.models import IvrSession, IvrStep, NodeKind
from abonent.calls.ivr.tree import get_tree
from abonent.core import lane
from abonent.core.lib import fast_insert
from abonent.core.lib.fast_insert import loaded

PATH = "/api/v1/ivr/step"
log = logging.getLogger(__name__)


def _quoted(fields: list[Any]) -> str:
    return ", ".join(f'"{f.column}"' for f in fields)


@functools.cache
def _open_sql(may_start: bool) -> tuple[str, list[Any]]:
    """The token check and, for a valid token only, the session — created or found
    (``may_start``), or found — with every column (the fields in the returned list). Built
    from the model's names; every value is a bound parameter."""
    everything: list[Any] = list(IvrSession._meta.concrete_fields)
    table = IvrSession._meta.db_table
    if may_start:
        new = fast_insert.value_fields(IvrSession)
        sql = (
            f'WITH {lane.token_cte()} INSERT INTO "{table}" ({_quoted(new)}) '  # noqa: S608
            f"SELECT {', '.join(['%s'] * len(new))} FROM tok ON CONFLICT (session_id) "
            f"DO UPDATE SET session_id = EXCLUDED.session_id RETURNING {_quoted(everything)}"
        )
    else:
        sql = (
            f'WITH {lane.token_cte()} SELECT {_quoted(everything)} FROM "{table}" '  # noqa: S608
            "WHERE session_id = %s AND EXISTS (SELECT 1 FROM tok)"
        )
    return sql, everything


@functools.cache
def _write_sql(lazily: bool) -> str:
    """The session stored back — only if no other request has taken a step of it since it
    was read (its ``last_seq`` unchanged) — and, only then, the step's row; ``lazily``: the
    commit does not wait for the disk. The values are ``fast_insert``'s for the update (the
    key last), the ``last_seq`` read, then the insert's."""
    session, step = IvrSession._meta.db_table, IvrStep._meta.db_table
    assignments = ", ".join(f'"{f.column}" = %s' for f in fast_insert.value_fields(IvrSession))
    columns = fast_insert.value_fields(IvrStep)
    lazy = " AND set_config('synchronous_commit', 'off', true) = 'off'" if lazily else ""
    return (
        f'WITH stored AS (UPDATE "{session}" SET {assignments} '  # noqa: S608
        f"WHERE id = %s AND last_seq = %s{lazy} RETURNING id) "
        f'INSERT INTO "{step}" ({_quoted(columns)}) '
        f"SELECT {', '.join(['%s'] * len(columns))} FROM stored RETURNING id"
    )


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


def _take(session: IvrSession, data: StepIn, at: Any) -> tuple[int, dict[str, Any], Any]:
    """``services.take_step`` after the lock: the answer and the step to store."""
    node_before = session.node_code
    keys = data.input.strip()
    dialogue = Dialogue(get_tree(), session, at, None)  # no actor: no flow stores here
    if data.hangup:
        reply = dialogue.caller_hung_up()
    elif session.last_seq == 0:
        reply = dialogue.start()
    else:
        reply = dialogue.handle(keys)
    session.last_seq += 1
    status = 422 if reply.error else 200
    body = services.answer_body(session, reply)
    step = IvrStep(
        session=session,
        seq=session.last_seq,
        at=at,
        node_code=node_before or session.node_code,
        input=keys,
        result=reply.result,
        action=reply.action,
        status=status,
        response=body,
    )
    return status, body, step


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
    may_start = not data.hangup and data.seq in (None, 1)
    sql, fields = _open_sql(may_start)
    params = lane.token_params(token, timezone.now())
    if may_start:
        new = IvrSession(session_id=data.session, caller=data.caller.strip(), started_at=at)
        params += fast_insert.insert_statement(new)[1]
    else:
        params.append(data.session)
    try:
        pool = await lane.POOL.get()
        async with pool.connection() as conn:
            cursor = await conn.execute(sql, params)
            row = await cursor.fetchone()
            if row is None:  # not the PBX's token, or no such session: the operation says
                return False
            session = loaded(IvrSession, fields, row)
            read_seq = session.last_seq
            taken = _taken(session, data, at)
            if taken is None:
                return False
            status, answer, step = taken
            *assigned, key = fast_insert.update_statement(session)[1]
            values = [*assigned, key, read_seq, *fast_insert.insert_statement(step)[1]]
            cursor = await conn.execute(_write_sql(settings.ABONENT_PBX_ASYNC_COMMIT), values)
            if await cursor.fetchone() is None:
                return False  # another delivery of a step came first: the operation sorts it
    except (psycopg.Error, OSError, TimeoutError) as error:  # PoolTimeout is a psycopg.Error
        log.warning("IVR lane: %s; the step goes on to the operation", error)
        return False
    await lane.respond(scope, send, status, _rendered(answer))
    return True


def _rendered(body: dict[str, Any]) -> bytes:
    """The answer as ninja renders it through ``StepOut``."""
    out = StepOut.model_validate(body).model_dump()
    return json.dumps(out, cls=NinjaJSONEncoder).encode()


def _taken(
    session: IvrSession, data: StepIn, at: Any
) -> tuple[int, dict[str, Any], IvrStep] | None:
    """The step taken on the session (changed in memory), or None where the operation
    takes it."""
    try:
        if _the_operations(session, data):
            return None
        status, body, step = _take(session, data, at)
    except Exception as error:  # whatever it is, the operation will say it
        log.debug("IVR lane: %r; the step goes on to the operation", error)
        return None
    return status, body, step
