"""The PBX lane: ``POST /api/v1/telephony/events`` answered in the server's event loop with
one statement (#6: 1,000 events a second).

Every change of every call reaches the platform as one of these requests, so on PostgreSQL
the ASGI entry point (``abonent/asgi.py``) offers each one here first. The lane answers only
a request it can answer exactly as the API operation would, and only with success:

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

import asyncio
import functools
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.http.request import split_domain_port, validate_host
from django.utils.translation import trans_real
from psycopg import sql

from abonent.calls import ingest
from abonent.calls.api import MAX_EVENT_BYTES as MAX_EVENT_BYTES
from abonent.calls.api import parse_event, scalars
from abonent.calls.models import Source
from abonent.core.errors import DomainError
from abonent.core.middleware import JSON_NUL
from abonent.core.models import ApiToken, hash_token
from abonent.core.roles import Role

PATH = "/api/v1/telephony/events"
log = logging.getLogger(__name__)
POOL_SIZE = 4  # connections per server process; the lane's statements take about 1 ms
POOL_WAIT_SECONDS = 5.0  # then the request goes on to the operation

# libpq's connection parameters among those Django builds for its own connections.
_LIBPQ_KEYS = {
    "dbname", "user", "password", "host", "port", "options", "sslmode", "sslrootcert",
    "sslcert", "sslkey", "sslpassword", "application_name", "connect_timeout", "service",
    "passfile", "target_session_attrs", "client_encoding", "prepare_threshold",
}  # fmt: skip


def enabled() -> bool:
    return connections["default"].vendor == "postgresql" and settings.ABONENT_PBX_LANE


@functools.cache
def _sql(lazily: bool) -> str:
    """Token check, last-use touch, event insert, call upsert, and the call as it is for a
    replay. Built from the models' table names and ingest's statements; every value is a
    bound parameter."""
    user_model = get_user_model()
    user = user_model._meta.db_table
    groups = user_model.groups.through._meta.db_table
    group = user_model.groups.field.related_model._meta.db_table
    token = ApiToken._meta.db_table
    upsert = ingest.UPSERT_CALL_FROM_INSERTED_LAZILY if lazily else ingest.UPSERT_CALL_FROM_INSERTED
    state = ", ".join(f"c.{column}" for column in ingest.STATE_COLUMNS)
    return (
        f"WITH tok AS (SELECT t.id, t.user_id, t.last_used_at FROM {token} t "  # noqa: S608
        f"JOIN {user} u ON u.id = t.user_id WHERE t.key_hash = %s AND t.revoked_at IS NULL "
        f"AND u.is_active AND NOT u.is_superuser AND EXISTS (SELECT 1 FROM {groups} ug "
        f"JOIN {group} g ON g.id = ug.group_id WHERE ug.user_id = u.id AND g.name = %s)), "
        f"touched AS (UPDATE {token} SET last_used_at = %s FROM tok WHERE {token}.id = tok.id "
        "AND (tok.last_used_at IS NULL OR tok.last_used_at < %s) RETURNING 1), "
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


class _Pool:
    """A few connections of this process, opened on first use in the running loop."""

    def __init__(self) -> None:
        self.pool: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> Any:
        from psycopg_pool import AsyncConnectionPool

        loop = asyncio.get_running_loop()
        if self.pool is None or self.loop is not loop:
            params = connections["default"].get_connection_params()
            kwargs = {k: v for k, v in params.items() if k in _LIBPQ_KEYS}
            self.pool = AsyncConnectionPool(
                kwargs={**kwargs, "autocommit": True},
                min_size=1,
                max_size=POOL_SIZE,
                timeout=POOL_WAIT_SECONDS,
                configure=_configure,
                open=False,
            )
            self.loop = loop
            await self.pool.open()
        return self.pool

    async def close(self) -> None:
        if self.pool is not None:
            pool, self.pool, self.loop = self.pool, None, None
            await pool.close()


async def _configure(conn: Any) -> None:
    """What Django's backend sets on its own connections (the zone, ``assume_role``)."""
    await conn.execute("SET TIME ZONE 'UTC'")
    role = connections["default"].settings_dict["OPTIONS"].get("assume_role")
    if role:
        await conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))


POOL = _Pool()


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    """The header's value; None when absent or sent more than once (Django would join the
    copies, which the lane leaves to it)."""
    values = [bytes(value) for key, value in scope["headers"] if key == name]
    return values[0] if len(values) == 1 else None


def _repeated(scope: dict[str, Any], name: bytes) -> bool:
    return sum(1 for key, _value in scope["headers"] if key == name) > 1


def _token(scope: dict[str, Any]) -> str | None:
    """The bearer token as ninja's ``HttpBearer`` reads it (spaces kept)."""
    raw = _header(scope, b"authorization")
    if raw is None:
        return None
    try:
        parts = raw.decode("latin-1").split(" ")
    except UnicodeDecodeError:
        return None
    if parts[0].lower() != "bearer" or len(parts) < 2:
        return None
    return " ".join(parts[1:])


def _host_allowed(scope: dict[str, Any]) -> bool:
    """``HttpRequest.get_host``'s check, for a request without a forwarded host."""
    if _header(scope, b"x-forwarded-host") is not None or _repeated(scope, b"x-forwarded-host"):
        return False
    host = _header(scope, b"host")
    if host is None:
        return False
    domain, _port = split_domain_port(host.decode("latin-1"))
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _fields(scope: dict[str, Any], body: bytes) -> dict[str, str] | None:
    """The event's fields as ``calls.api`` reads them, or None where the lane leaves the
    request to the API operation."""
    if len(body) > MAX_EVENT_BYTES or b"\x00" in body or JSON_NUL.search(body):
        return None
    ctype, _sep, parameters = (_header(scope, b"content-type") or b"").partition(b";")
    ctype = ctype.strip().lower()
    charset = parameters.strip().lower().removeprefix(b"charset=").strip(b'"')
    if parameters.strip() and charset not in (b"utf-8", b"utf8"):
        return None  # another charset (or parameter): the operation decides
    try:
        if ctype == b"application/json" or (not ctype and body.lstrip().startswith(b"{")):
            data = json.loads(body)
            return scalars(data) if isinstance(data, dict) else None
        if ctype == b"application/x-www-form-urlencoded":
            pairs = parse_qsl(body.decode(), keep_blank_values=True)
            if len(pairs) > (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or len(pairs)):
                return None
            fields = dict(pairs)
            return None if any("\x00" in k or "\x00" in v for k, v in fields.items()) else fields
    except (ValueError, UnicodeDecodeError, DomainError):
        return None
    return None


@functools.lru_cache(maxsize=64)
def _language(accept: str) -> str:
    """What ``LocaleMiddleware`` would pick for this ``Accept-Language`` (no cookie here)."""
    for code, _quality in trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return trans_real.get_supported_language_variant(code)
        except LookupError:
            continue
    return trans_real.get_supported_language_variant(settings.LANGUAGE_CODE)


@functools.cache
def _security_headers() -> list[tuple[bytes, bytes]]:
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append((b"referrer-policy", str(settings.SECURE_REFERRER_POLICY).encode()))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        coop = str(settings.SECURE_CROSS_ORIGIN_OPENER_POLICY).encode()
        headers.append((b"cross-origin-opener-policy", coop))
    return headers


async def post_event(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the request and return True, or return False having sent nothing."""
    token = _token(scope)
    if token is None or scope.get("query_string") or not _host_allowed(scope):
        return False
    if _header(scope, b"cookie") is not None or _repeated(scope, b"cookie"):
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
        hash_token(token),
        Role.INTEGRATION.value,
        now,
        now - timedelta(seconds=60),  # touch the token at most once a minute, as TokenAuth
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
    language = _language((_header(scope, b"accept-language") or b"").decode("latin-1"))
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(answer)).encode()),
        (b"vary", b"Accept-Language"),
        (b"content-language", language.encode()),
        *_security_headers(),
    ]
    await send({"type": "http.response.start", "status": 201 if new else 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})
    return True
