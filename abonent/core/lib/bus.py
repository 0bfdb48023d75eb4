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

Backends: in-process (the embedded SQLite default: one server process), and — for several
processes — PostgreSQL LISTEN/NOTIFY or Redis pub/sub, chosen by ``ABONENT_EVENT_BUS``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

log = logging.getLogger(__name__)

# A subscriber that does not keep up loses the oldest events rather than growing memory.
QUEUE_SIZE = 256


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


def publish(channel: str, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` to every subscriber of ``channel`` (in-process backend)."""
    try:
        json.dumps(payload)
        HUB.deliver(channel, payload)
    except Exception:  # a live event must never break the business write that caused it
        log.exception("bus: publish on %s failed", channel)


def subscribe(channel: str) -> Any:
    return HUB.subscribe(channel)
