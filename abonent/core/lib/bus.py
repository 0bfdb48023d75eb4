"""The live-event bus: a service publishes a small JSON event on a channel after its
transaction commits; SSE views subscribe to channels and forward what arrives.

This module is the contract the rest of the code relies on:

* ``publish(channel, payload)`` — sync, callable from any thread (request threads, task
  workers, management commands). Call it from ``transaction.on_commit`` only, never for a
  change that may still roll back. It must not block for long and must never raise into
  the caller: a lost live event is repaired by the clients' polling fallback, a failed
  business write is not.
* ``subscribe(channel)`` — an async context manager yielding an async iterator of payloads
  (dicts) delivered to this process; used by the async SSE views in the event loop.

Backends, chosen by the setting ``ABONENT_EVENT_BUS`` (environment variable):

* ``local`` — in-process only (the embedded SQLite default: one server process).
* ``postgres`` — PostgreSQL LISTEN/NOTIFY, for several server processes on one database.
  ``auto`` (the default) picks it when the default database is PostgreSQL, else ``local``.
* ``redis://host:port/db`` — Redis pub/sub.

How the cross-process backends work:

* Every message goes through ONE fixed bus channel (``abonent_bus``; in Redis
  ``abonent:bus:<db>``), the logical channel travels inside the message:
  ``{"o": <origin>, "c": "queue.office.3", "p": {...payload...}}``. Chosen over one
  LISTEN per logical channel because (1) the listener issues a single LISTEN when it
  connects and again after a reconnect — no LISTEN/UNLISTEN round trips while hundreds of
  board clients come and go, and no window in which a new subscriber's LISTEN is not yet
  active; (2) logical names like ``queue.office.3`` need no quoting or length rules of
  PostgreSQL identifiers; (3) the event rate is small (a few per second at the busiest), so
  letting every process see every event and drop those nobody in it listens to costs a
  dict lookup.
* Publishing delivers to this process's subscribers at once (in-process, no round trip)
  and sends the message to the other processes; the listener drops messages carrying its
  own process's origin, so nothing is delivered twice in the publishing process.
  PostgreSQL: ``SELECT pg_notify(%s, %s)`` on Django's connection of the calling thread
  (after the commit, i.e. in autocommit; inside a transaction a savepoint guards it and
  PostgreSQL delivers it at commit). A message over 7900 bytes is not sent (NOTIFY's limit
  is 8000); the local subscribers still get it.
* Receiving: ONE listener connection per process (psycopg ``AsyncConnection`` in autocommit,
  or a redis.asyncio pub/sub connection), started lazily in the running event loop by the
  first ``subscribe`` and kept for the loop's life. It delivers through ``LocalHub`` like the
  in-process backend. When the connection drops it reconnects with exponential backoff
  (0.5 s doubling to 30 s, with jitter); after a reconnect every subscribed channel gets
  ``{"action": "resync"}`` because events may have been missed meanwhile — subscribers
  should reload their state (the board stream sends a fresh snapshot). An idle listener
  checks its connection every 30 s, so a silently dead connection is noticed too.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import logging
import os
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from django.core.signals import setting_changed

log = logging.getLogger(__name__)

# A subscriber that does not keep up loses the oldest events rather than growing memory.
QUEUE_SIZE = 256
# The one channel of the cross-process backends (see the module docstring).
BUS_CHANNEL = "abonent_bus"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_MESSAGE_BYTES = 7900
# The payload subscribers get after the listener reconnected: events may have been missed.
RESYNC: dict[str, Any] = {"action": "resync"}
# An idle listener checks its connection this often (seconds).
KEEPALIVE_SECONDS = 30.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
# How long the first subscriber waits for the listener to be connected.
READY_TIMEOUT = 5.0


class LocalHub:
    """Delivers payloads to this process's subscribers, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Any]]]] = (
            defaultdict(set)
        )

    def deliver(self, channel: str, payload: dict[str, Any]) -> None:
        with self._lock:
            targets = list(self._subs.get(channel, ()))
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(_put, queue, payload)
            except RuntimeError:  # the loop has closed
                continue

    def channels(self) -> list[str]:
        with self._lock:
            return list(self._subs)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        queue: asyncio.Queue[Any] = asyncio.Queue(QUEUE_SIZE)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subs[channel].add(entry)
        try:
            yield _drain(queue)
        finally:
            with self._lock:
                self._subs[channel].discard(entry)
                if not self._subs[channel]:
                    del self._subs[channel]

    def subscriber_count(self, channel: str | None = None) -> int:
        with self._lock:
            if channel is not None:
                return len(self._subs.get(channel, ()))
            return sum(len(s) for s in self._subs.values())


def _put(queue: asyncio.Queue[Any], payload: dict[str, Any]) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(payload)


async def _drain(queue: asyncio.Queue[Any]) -> AsyncIterator[dict[str, Any]]:
    while True:
        yield await queue.get()


HUB = LocalHub()

_ORIGIN: tuple[int, str] = (0, "")


def origin() -> str:
    """This process's token in cross-process messages (new after a fork)."""
    global _ORIGIN
    pid = os.getpid()
    if _ORIGIN[0] != pid:
        _ORIGIN = (pid, f"{pid}-{uuid.uuid4().hex[:12]}")
    return _ORIGIN[1]


class LocalBus:
    """In-process delivery only: one server process."""

    name = "local"

    def publish(self, channel: str, payload: dict[str, Any]) -> None:
        HUB.deliver(channel, payload)

    async def ensure_listening(self) -> None:
        return None

    def is_listening(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None


def encode(channel: str, payload: dict[str, Any]) -> str | None:
    """The message other processes receive; None (logged) when it is too large to send."""
    message = json.dumps(
        {"o": origin(), "c": channel, "p": payload}, separators=(",", ":"), default=str
    )
    if len(message.encode()) > MAX_MESSAGE_BYTES:
        log.error("bus: event on %s too large for other processes, not sent", channel)
        return None
    return message


class _RemoteBus(LocalBus, abc.ABC):
    """Shared part of the cross-process backends: message format, the lazily started
    listener task with reconnects, and delivery through the LocalHub."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None
        self.connects = 0  # listener connections made (tests and diagnostics)

    # -- publishing (any thread)
    def publish(self, channel: str, payload: dict[str, Any]) -> None:
        HUB.deliver(channel, payload)
        message = encode(channel, payload)
        if message is not None:
            self.send(message)

    @abc.abstractmethod
    def send(self, message: str) -> None:
        """Hand one encoded message to the other processes (PostgreSQL NOTIFY, Redis PUBLISH)."""

    # -- receiving (the event loop)
    def receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
            if message.get("o") == origin():
                return  # delivered in-process when it was published
            channel, payload = message["c"], message["p"]
            if not isinstance(channel, str) or not isinstance(payload, dict):
                raise ValueError("bad message")
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("bus: ignored a malformed message")
            return
        HUB.deliver(channel, payload)

    async def ensure_listening(self) -> None:
        """Start this loop's listener unless it runs; wait (a little) until it listens."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._loop is not loop or self._task.done():
            self._loop = loop
            self._ready = asyncio.Event()
            self._task = loop.create_task(self._run(), name=f"abonent-bus-{self.name}")
        assert self._ready is not None
        if not self._ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), READY_TIMEOUT)

    def is_listening(self) -> bool:
        return self._ready is not None and self._ready.is_set()

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = BACKOFF_FIRST
        first = True
        while True:
            try:
                await self.listen(self._connected_callback(first))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("bus: %s listener lost its connection: %s", self.name, exc)
            if self._ready is not None and self._ready.is_set():
                self._ready.clear()
                first, delay = False, BACKOFF_FIRST
            await asyncio.sleep(delay * (0.75 + random.random() / 2))  # noqa: S311
            delay = min(delay * 2, BACKOFF_MAX)

    def _connected_callback(self, first: bool) -> Any:
        def connected() -> None:
            self.connects += 1
            if self._ready is not None:
                self._ready.set()
            if not first:
                for channel in HUB.channels():
                    HUB.deliver(channel, dict(RESYNC))

        return connected

    @abc.abstractmethod
    async def listen(self, connected: Any) -> None:
        """Connect, subscribe to the bus channel, call ``connected()``, then pass every
        message to ``receive`` until the connection fails (raise) or the task is cancelled."""


class PostgresBus(_RemoteBus):
    name = "postgres"

    def send(self, message: str) -> None:
        if _in_event_loop():
            _offload(self.send_now, message)
        else:
            self.send_now(message)

    def send_now(self, message: str) -> None:
        from django.db import connection, transaction

        was_open = connection.connection is not None
        if connection.in_atomic_block:
            # Not after a commit (e.g. on_commit hooks run by a test): a savepoint keeps a
            # failing NOTIFY from breaking the caller's transaction.
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT pg_notify(%s, %s)", [BUS_CHANNEL, message])
            return
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_notify(%s, %s)", [BUS_CHANNEL, message])
        finally:
            if not was_open:  # a thread that had no connection must not keep one
                connection.close()

    @staticmethod
    def conninfo() -> dict[str, Any]:
        from django.db import connections

        s = connections["default"].settings_dict
        info: dict[str, Any] = {
            "dbname": s["NAME"],
            "user": s.get("USER") or None,
            "password": s.get("PASSWORD") or None,
            "host": s.get("HOST") or None,
            "port": s.get("PORT") or None,
            "connect_timeout": 5,
            "application_name": "abonent-bus",
        }
        return {k: v for k, v in info.items() if v is not None}

    async def listen(self, connected: Any) -> None:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(**self.conninfo(), autocommit=True)
        try:
            await conn.execute(f"LISTEN {BUS_CHANNEL}")
            connected()
            while True:
                async for notify in conn.notifies(timeout=KEEPALIVE_SECONDS):
                    self.receive(notify.payload)
                await conn.execute("SELECT 1")  # idle: is the connection still there?
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


class RedisBus(_RemoteBus):
    name = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        db = url.rsplit("/", 1)[-1] if url.count("/") >= 3 else "0"
        # Redis pub/sub ignores database numbers: the channel name carries it.
        self.channel = f"abonent:bus:{db or '0'}"
        self._client: tuple[int, Any] = (0, None)

    def _sync_client(self) -> Any:
        pid = os.getpid()
        if self._client[0] != pid:
            import redis

            self._client = (
                pid,
                redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1),
            )
        return self._client[1]

    def send(self, message: str) -> None:
        if _in_event_loop():
            _offload(self.send_now, message)
        else:
            self.send_now(message)

    def send_now(self, message: str) -> None:
        self._sync_client().publish(self.channel, message)

    async def listen(self, connected: Any) -> None:
        from redis import asyncio as aioredis

        client = aioredis.Redis.from_url(
            self.url, socket_connect_timeout=5, client_name=f"abonent-bus-{os.getpid()}"
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
            connected()
            while True:
                msg = await pubsub.get_message(timeout=KEEPALIVE_SECONDS)
                if msg is None:
                    await pubsub.ping()  # idle: is the connection still there?
                elif msg.get("type") == "message":
                    self.receive(msg["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            with contextlib.suppress(Exception):
                await client.aclose()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


_OFFLOAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="abonent-bus-publish")


def _offload(send: Any, message: str) -> None:
    """publish() called in an event loop thread: the blocking send goes to a thread."""

    def run() -> None:
        try:
            send(message)
        except Exception:
            log.exception("bus: publish failed")
        finally:
            from django.db import connection

            connection.close()

    _OFFLOAD.submit(run)


def make_bus(setting: str, db_vendor: str) -> LocalBus:
    """The backend for a value of ABONENT_EVENT_BUS (validated by settings)."""
    value = setting.strip()
    if value == "auto":
        value = "postgres" if db_vendor == "postgresql" else "local"
    if value == "local":
        return LocalBus()
    if value == "postgres":
        return PostgresBus()
    if value.startswith(("redis://", "rediss://")):
        return RedisBus(value)
    raise ValueError(f"ABONENT_EVENT_BUS: unknown backend {setting!r}")


_BUS: LocalBus | None = None
_BUS_LOCK = threading.Lock()


def get_bus() -> LocalBus:
    global _BUS
    if _BUS is None:
        with _BUS_LOCK:
            if _BUS is None:
                from django.conf import settings
                from django.db import connections

                _BUS = make_bus(
                    getattr(settings, "ABONENT_EVENT_BUS", "auto"), connections["default"].vendor
                )
    return _BUS


def reset() -> None:
    """Forget the chosen backend (settings changed; tests). A running listener ends with
    its event loop."""
    global _BUS
    with _BUS_LOCK:
        _BUS = None


def publish(channel: str, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` to every subscriber of ``channel``, in this process and (with a
    cross-process backend) in the others."""
    try:
        json.dumps(payload)
        get_bus().publish(channel, payload)
    except Exception:  # a live event must never break the business write that caused it
        log.exception("bus: publish on %s failed", channel)


def notify_params(channel: str, payload: dict[str, Any]) -> list[str] | None:
    """For a caller that writes in a PostgreSQL transaction of its own (a lane): with the
    PostgreSQL bus, the parameters of ``pg_notify(%s, %s)`` that hand the event to the other
    processes when — and only if — that transaction commits; the caller then delivers it in
    this process with ``deliver_here`` after the commit. None with another bus (or an
    event too large to send): the caller publishes after the commit as usual."""
    if not isinstance(get_bus(), PostgresBus):
        return None
    message = encode(channel, payload)
    return None if message is None else [BUS_CHANNEL, message]


def notify_sql(channel_sql: str, payload_sql: str) -> str:
    """``notify_params``' ``pg_notify`` for a statement that has the event only in SQL (a
    lane's, from the row it writes): the message ``encode`` builds, its channel the text
    ``channel_sql`` evaluates to and its payload the JSON object of ``payload_sql``. Its
    values: ``notify_sql_params``', then those of the two expressions. Such a payload is a
    few short fields, far below ``MAX_MESSAGE_BYTES``."""
    message = f"jsonb_build_object('o', %s::text, 'c', {channel_sql}, 'p', {payload_sql})"
    return f"pg_notify(%s, {message}::text)"


def notify_sql_params() -> list[str] | None:
    """The first values of ``notify_sql``; None with another bus than PostgreSQL's (the
    caller publishes after the commit, as with ``notify_params``)."""
    if not isinstance(get_bus(), PostgresBus):
        return None
    return [BUS_CHANNEL, origin()]


def deliver_here(channel: str, payload: dict[str, Any]) -> None:
    """The event to this process's subscribers only (see ``notify_params``)."""
    HUB.deliver(channel, payload)


@asynccontextmanager
async def subscribe(channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    """Payloads published on ``channel`` from now on, in this process's event loop."""
    backend = get_bus()
    async with HUB.subscribe(channel) as events:
        try:
            await backend.ensure_listening()
        except Exception:  # the listener retries by itself; local delivery still works
            log.exception("bus: could not start the listener")
        yield events


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ABONENT_EVENT_BUS", "DATABASES"}:
        reset()


setting_changed.connect(_on_setting_changed, dispatch_uid="abonent-bus-reset")
