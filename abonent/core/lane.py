"""Lanes: the PBX's busiest machine calls answered in the server's event loop (#6 speed).

On PostgreSQL the ASGI entry point (``abonent/asgi.py``) offers a request on a lane's path
to the lane first: the PBX's events (``calls/lane.py``) and its IVR steps
(``calls/ivr/lane.py``). A lane answers only a request it can answer exactly as the API
operation would, and only with what the operation would answer; anything else goes on to
Django and the operation, having been sent nothing. So a lane can only be faster, never
different. This module is what the lanes share:

- the requests a lane may take at all (``eligible``): one bearer token (read as ninja's
  ``HttpBearer`` reads it), no cookie, no query string, a host that ``ALLOWED_HOSTS``
  admits;
- the body as the operations read it (``body_fields``): JSON or a form, in UTF-8, within a
  size, without NUL characters;
- the token check as one common table expression (``token_cte``): active token, active user,
  an integration (the role and no superuser, ``calls.access.is_integration``), its last use
  touched at most once a minute as ``TokenAuth`` does;
- a small pool of asynchronous psycopg connections per process (``POOL``), configured as
  Django configures its own (time zone, role, the same type adapters, prepared statements);
- a statement's placeholders numbered once per process (``execute``);
- the requests of one kind that arrive together gathered into one transaction
  (``Batches``);
- what an error after a lane's write means (``uncertain``);
- the answer (``respond``) with the headers the operation sends on these paths
  (``core/direct.py``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.http.request import split_domain_port, validate_host
from django.utils.translation import trans_real
from psycopg import sql

from abonent.core.middleware import JSON_NUL
from abonent.core.models import ApiToken, hash_token
from abonent.core.roles import Role

POOL_SIZE = 4  # connections per server process; a lane's statements take about 1 ms
POOL_WAIT_SECONDS = 5.0  # then the request goes on to the operation

# libpq's connection parameters among those Django builds for its own connections, and
# psycopg's adapters context (jsonb as text for JSONField, times in Django's zone).
_CONNECT_KEYS = {
    "dbname", "user", "password", "host", "port", "options", "sslmode", "sslrootcert",
    "sslcert", "sslkey", "sslpassword", "application_name", "connect_timeout", "service",
    "passfile", "target_session_attrs", "client_encoding", "context",
}  # fmt: skip


def database_settings() -> dict[str, Any]:
    """The default database's settings (``connections["default"].settings_dict``, the same
    dictionary) without the connection object, which a lane's request must not look up: in
    the event loop that built a new one for every request (``fast_insert.vendor``)."""
    found: dict[str, Any] = connections.settings[DEFAULT_DB_ALIAS]
    return found


class _Pool:
    """A few connections of this process, opened on first use in the running loop."""

    def __init__(self) -> None:
        self.pool: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> Any:
        from psycopg_pool import AsyncConnectionPool

        loop = asyncio.get_running_loop()
        if self.pool is None or self.loop is not loop:
            database = connections["default"]
            params = database.get_connection_params()
            kwargs = {k: v for k, v in params.items() if k in _CONNECT_KEYS}
            # Prepared statements as Django's own connections have them (off behind a pooler
            # in transaction mode, DB_SERVER_SIDE_BINDING=false).
            kwargs["prepare_threshold"] = params.get("prepare_threshold")
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
    """What Django's backend sets on its own connections (the zone, ``assume_role``), and
    the isolation level the settings name — READ COMMITTED, Django's own, when they name
    none — also for a pipeline's implicit transaction, which psycopg does not begin."""
    await conn.execute("SET TIME ZONE 'UTC'")
    options = database_settings()["OPTIONS"]
    level = psycopg.IsolationLevel(options.get("isolation_level", _READ_COMMITTED))
    await conn.execute(
        sql.SQL("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {}").format(
            sql.SQL(level.name.replace("_", " "))
        )
    )
    role = options.get("assume_role")
    if role:
        await conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))


POOL = _Pool()
_READ_COMMITTED = psycopg.IsolationLevel.READ_COMMITTED


def read_committed() -> bool:
    """Whether the lanes' transactions are READ COMMITTED (``_configure``): a statement
    then sees what committed before it began, which a lane that locks and then reads needs."""
    options = database_settings()["OPTIONS"]
    return bool(options.get("isolation_level", _READ_COMMITTED) == _READ_COMMITTED)


def header(scope: dict[str, Any], name: bytes) -> bytes | None:
    """The header's value; None when absent or sent more than once (Django would join the
    copies, which a lane leaves to it)."""
    values = [bytes(value) for key, value in scope["headers"] if key == name]
    return values[0] if len(values) == 1 else None


def _repeated(scope: dict[str, Any], name: bytes) -> bool:
    return sum(1 for key, _value in scope["headers"] if key == name) > 1


def _token(scope: dict[str, Any]) -> str | None:
    """The bearer token as ninja's ``HttpBearer`` reads it (spaces kept)."""
    raw = header(scope, b"authorization")
    if raw is None:
        return None
    try:
        parts = raw.decode("latin-1").split(" ")
    except UnicodeDecodeError:
        return None
    # "Bearer" as written: another spelling takes the whole middleware chain (core/direct.py),
    # whose answer carries more headers.
    if parts[0] != "Bearer" or len(parts) < 2:
        return None
    return " ".join(parts[1:])


def _host_allowed(scope: dict[str, Any]) -> bool:
    """``HttpRequest.get_host``'s check, for a request without a forwarded host."""
    if header(scope, b"x-forwarded-host") is not None or _repeated(scope, b"x-forwarded-host"):
        return False
    host = header(scope, b"host")
    if host is None:
        return False
    domain, _port = split_domain_port(host.decode("latin-1"))
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


@functools.lru_cache(maxsize=64)
def numbered(query: str) -> bytes:
    """``query`` with psycopg's placeholders (``%s``; ``%%`` a percent sign) written as
    PostgreSQL's own (``$1``, ``$2``...). psycopg converts them on every execution of a
    statement longer than it caches (4 KB, or 50 values): for call-next's statement that
    took about a tenth of a press (#5)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        if match.group(1) != "s":
            raise ValueError(f"Not a lane's placeholder: {match.group(0)!r}")
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, query).encode()


async def execute(conn: Any, query: str, params: list[Any], *, at_once: bool = False) -> Any:
    """``conn.execute(query, params)`` with the placeholders numbered once (``numbered``).
    ``at_once``: prepare the statement on its first execution on this connection, not its
    fifth (``DB_PREPARE_THRESHOLD``), where prepared statements are used at all — for a
    statement whose every unprepared execution is planned anew at more than it costs to run."""
    cursor = psycopg.AsyncRawCursor(conn)
    prepare = True if at_once and conn.prepare_threshold is not None else None
    await cursor.execute(numbered(query), params, prepare=prepare)
    return cursor


class Batches[T, R]:
    """Requests of one kind that this process receives together, answered in one
    transaction — one round trip and one commit for all of them (group commit).

    ``submit`` waits for its request's result. The first request starts a batch at once
    (on the next turn of the event loop, so that the requests that arrived with it join
    it); those that arrive while a batch runs wait for it and then go together, at most
    ``size`` at a time. ``run`` gets the requests in order of arrival and returns their
    results in that order; its exception is every request's of the batch."""

    def __init__(self, run: Callable[[list[T]], Awaitable[list[R]]], size: int) -> None:
        self.run, self.size = run, size
        self.pending: list[tuple[T, asyncio.Future[R]]] = []
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # another event loop (tests): what the last one left is gone
            self.pending, self.task, self.loop = [], None, loop
        done: asyncio.Future[R] = loop.create_future()
        self.pending.append((item, done))
        if self.task is None:
            self.task = loop.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending[: self.size], self.pending[self.size :]
                try:
                    results = await self.run([item for item, _done in batch])
                except BaseException as error:
                    for _item, done in batch:
                        if not done.done():
                            done.set_exception(error)
                    if isinstance(error, Exception):
                        continue
                    for _item, done in self.pending:  # cancelled: nobody runs the rest
                        done.cancel()
                    self.pending = []
                    raise
                for (_item, done), result in zip(batch, results, strict=True):
                    if not done.done():  # a request cancelled meanwhile has no answer
                        done.set_result(result)
        finally:
            self.task = None


def uncertain(error: BaseException) -> bool:
    """Whether, after a lane sent its write, ``error`` leaves it unknown if the write
    committed: anything but an error PostgreSQL itself reported for the statement (a lost
    connection, an operator's intervention, any other exception). Then the lane must not
    leave the request to the operation, which would take it a second time."""
    if not isinstance(error, psycopg.Error):
        return True
    state = error.sqlstate
    return state is None or state.startswith(("08", "57"))


def eligible(scope: dict[str, Any]) -> str | None:
    """The request's bearer token when a lane may take the request at all, else None."""
    token = _token(scope)
    if token is None or scope.get("query_string") or not _host_allowed(scope):
        return None
    if header(scope, b"cookie") is not None or _repeated(scope, b"cookie"):
        return None
    return token


def body_fields(scope: dict[str, Any], body: bytes, max_bytes: int) -> dict[str, Any] | None:
    """The body as the operations read it — a JSON object as it is, a form's fields (the
    last of repeated ones) — or None where a lane leaves the request to the operation."""
    if len(body) > max_bytes or b"\x00" in body or JSON_NUL.search(body):
        return None
    ctype, _sep, parameters = (header(scope, b"content-type") or b"").partition(b";")
    ctype = ctype.strip().lower()
    charset = parameters.strip().lower().removeprefix(b"charset=").strip(b'"')
    if parameters.strip() and charset not in (b"utf-8", b"utf8"):
        return None  # another charset (or parameter): the operation decides
    try:
        if ctype == b"application/json" or (not ctype and body.lstrip().startswith(b"{")):
            data = json.loads(body)
            return data if isinstance(data, dict) else None
        if ctype == b"application/x-www-form-urlencoded":
            pairs = parse_qsl(body.decode(), keep_blank_values=True)
            if len(pairs) > (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or len(pairs)):
                return None
            fields = dict(pairs)
            return None if any("\x00" in k or "\x00" in v for k, v in fields.items()) else fields
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def columns(fields: list[Any], prefix: str = "") -> str:
    """The fields' columns, quoted, for a lane's written-out statements (``prefix``: a
    table alias and its dot)."""
    return ", ".join(f'{prefix}"{f.column}"' for f in fields)


@functools.cache
def token_cte(integration_only: bool = True, *, who: bool = True) -> str:
    """``tok`` — the token's id and user (and, when not ``integration_only`` and ``who``, the
    user's name and roles: group names), when the token is active and its user active and not a
    superuser, and (``integration_only``) an integration — and ``touched`` (its last use,
    at most once a minute), for ``token_params``. Built from the models' table names;
    every value is a bound parameter (the role's too, ignored when not
    ``integration_only``). The touch skips a token whose row another transaction holds
    (mostly another request's touch; a skipped touch is made by the next use): waiting for
    it could close a circle with the window locks of call-next's batches (one token pressing
    at two windows from two processes). The lock is the update's own, FOR NO KEY UPDATE."""
    user_model = get_user_model()
    user = user_model._meta.db_table
    username_field: Any = user_model._meta.get_field(user_model.USERNAME_FIELD)
    username = username_field.column
    groups = user_model.groups.through._meta.db_table
    group = user_model.groups.field.related_model._meta.db_table
    token = ApiToken._meta.db_table
    roles = (
        f"SELECT g.name FROM {groups} ug JOIN {group} g ON g.id = ug.group_id "  # noqa: S608
        "WHERE ug.user_id = u.id"
    )
    if integration_only:
        role_check, columns = f"EXISTS ({roles} AND g.name = %s)", ""
    else:
        role_check = "%s::text IS NOT NULL"
        columns = f", u.{username} AS username, ARRAY({roles}) AS roles" if who else ""
    return (
        f"tok AS (SELECT t.id, t.user_id, t.last_used_at{columns} FROM {token} t "  # noqa: S608
        f"JOIN {user} u ON u.id = t.user_id WHERE t.key_hash = %s AND t.revoked_at IS NULL "
        f"AND u.is_active AND NOT u.is_superuser AND {role_check}), "
        f"touched AS (UPDATE {token} SET last_used_at = %s WHERE id = (SELECT d.id "
        f"FROM {token} d JOIN tok ON tok.id = d.id WHERE tok.last_used_at IS NULL "
        "OR tok.last_used_at < %s FOR NO KEY UPDATE OF d SKIP LOCKED) RETURNING 1)"
    )


def token_params(token: str, now: datetime) -> list[Any]:
    # Touch the token at most once a minute, as TokenAuth does.
    return [hash_token(token), Role.INTEGRATION.value, now, now - timedelta(seconds=60)]


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


def _common_headers(scope: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """What every answer on a direct path carries besides its content's headers."""
    language = _language((header(scope, b"accept-language") or b"").decode("latin-1"))
    return [(b"vary", b"Accept-Language"), (b"content-language", language.encode())]


async def respond(scope: dict[str, Any], send: Any, status: int, answer: bytes) -> None:
    """A JSON answer with the headers the operation's answer carries on a direct path."""
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(answer)).encode()),
        *_common_headers(scope),
        *_security_headers(),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


async def respond_no_content(scope: dict[str, Any], send: Any) -> None:
    """204 as an operation's ``HttpResponse(status=204)`` is sent on a direct path: Django's
    default content type and no length (nor a body)."""
    headers = [
        (b"content-type", f"text/html; charset={settings.DEFAULT_CHARSET}".encode()),
        *_common_headers(scope),
        *_security_headers(),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
