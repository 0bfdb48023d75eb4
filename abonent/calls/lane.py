"""The PBX lane: ``POST /api/v1/telephony/events`` answered in the server's event loop with
one statement (#6: 1,000 events a second).

Every change of every call reaches the platform as one of these requests, so on PostgreSQL
the ASGI entry point (``abonent/asgi.py``) offers each one here first (``core/lane.py``
has what the PBX's lanes share). The lane answers only a request it can answer exactly as
the API operation would, and only with success:

- a JSON or form body of at most ``MAX_EVENT_BYTES``, without NUL characters, that
  ``calls.api.parse_event`` accepts (the same validation, the same stored payload);
- one bearer token (read as ninja's ``HttpBearer`` reads it), no cookie, no query string, a
  host that ``ALLOWED_HOSTS`` admits;
- and one statement (an asynchronous psycopg connection of this process's small pool, no
  thread, no ORM) finds the token active, its user active and an integration (the role and
  no superuser, ``access.is_integration``), touches the token's last use at most once a
  minute, inserts the event with the token's user as the receiver, and folds it into its
  call — or, for an event already stored, confirms the token (the call is then read afresh,
  after whatever stored the event first has committed).

Then it answers 201 with the call's state (200 and ``"duplicate": true`` for a replay), the
same body and headers the operation sends on this path (``core/direct.py``). Anything else
— a bad token, a staff token, an invalid event, another content type — goes on to Django
and the API operation, which refuses it with the documented code and message in the
caller's language. So the lane can only be faster, never different. A database error or an
exhausted pool sends the request on to the operation too. On SQLite (one process, the
embedded default) there is no lane.

Commits are asynchronous unless ``ABONENT_PBX_ASYNC_COMMIT=off`` (``calls/ingest.py`` says
what that risks and what brings a lost event back).
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from abonent.calls import ingest
from abonent.calls.api import MAX_EVENT_BYTES as MAX_EVENT_BYTES
from abonent.calls.api import parse_event, scalars
from abonent.calls.models import Source
from abonent.core import lane
from abonent.core.errors import DomainError
from abonent.core.lane import POOL as POOL

PATH = "/api/v1/telephony/events"
log = logging.getLogger(__name__)


@functools.cache
def _sql(lazily: bool) -> str:
    """Token check, last-use touch, event insert, call upsert, and the call as it is for a
    replay. Built from the models' table names and ingest's statements; every value is a
    bound parameter."""
    upsert = ingest.UPSERT_CALL_FROM_INSERTED_LAZILY if lazily else ingest.UPSERT_CALL_FROM_INSERTED
    state = ", ".join(f"c.{column}" for column in ingest.STATE_COLUMNS)
    return (
        f"WITH {lane.token_cte()}, "  # noqa: S608
        f"inserted AS (INSERT INTO calls_callevent ({ingest.EVENT_COLUMNS}) "
        "SELECT %s, %s, %s, %s, %s, %s, tok.user_id FROM tok "
        "ON CONFLICT (call_id, event) DO NOTHING RETURNING call_id), "
        f"upserted AS ({upsert}) "
        "SELECT true, * FROM upserted UNION ALL "
        f"SELECT false, {state} FROM calls_call c, tok "
        "WHERE c.call_id = %s AND NOT EXISTS (SELECT 1 FROM inserted)"
    )


# A replay's call as it is now: the statement above read it with the snapshot it started
# with, which may predate the commit of the request that stored the event first.
_CALL_NOW = f"SELECT {', '.join(ingest.STATE_COLUMNS)} FROM calls_call WHERE call_id = %s"  # noqa: S608


def _fields(scope: dict[str, Any], body: bytes) -> dict[str, str] | None:
    """The event's fields as ``calls.api`` reads them, or None where the lane leaves the
    request to the API operation."""
    raw = lane.body_fields(scope, body, MAX_EVENT_BYTES)
    if raw is None:
        return None
    try:
        return scalars(raw)
    except DomainError:
        return None


async def post_event(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the request and return True, or return False having sent nothing."""
    token = lane.eligible(scope)
    if token is None:
        return False
    raw = _fields(scope, body)
    if raw is None:
        return False
    try:
        data = parse_event(raw)
    except DomainError:
        return False
    now = datetime.now(UTC)
    event, call = ingest.statement_params(data, actor_id=None, source=Source.API, now=now)
    params = [
        *lane.token_params(token, now),
        *event[:-1],  # the receiver is the token's user, from the statement
        *call,
        data.call_id,
    ]
    try:
        pool = await POOL.get()
        async with pool.connection() as conn:
            cursor = await conn.execute(_sql(settings.ABONENT_PBX_ASYNC_COMMIT), params)
            row = await cursor.fetchone()
            if row is not None and not row[0]:  # a replay: the call as it is now
                cursor = await conn.execute(_CALL_NOW, [data.call_id])
                now_row = await cursor.fetchone()
                row = None if now_row is None else (False, *now_row)
    except (psycopg.Error, OSError, TimeoutError) as error:  # PoolTimeout is a psycopg.Error
        log.warning("PBX lane: %s; the request goes on to the operation", error)
        return False
    if row is None:  # not the PBX's token (or no such call): the operation says why
        return False
    new, *values = row
    state = ingest.state_of(tuple(values))
    answer = json.dumps({**state.as_dict(), "duplicate": not new}, cls=DjangoJSONEncoder).encode()
    await lane.respond(scope, send, 201 if new else 200, answer)
    return True
