"""Per-process snapshots of small, rarely edited tables (calendar overrides, topics).

A hot path such as registering an appeal would otherwise read and rebuild them on every
request. A snapshot keeps what its loader returned for ``ABONENT_SNAPSHOT_SECONDS``; a change
to a watched model drops it in the changing process at once (and again after the commit, so
a reader between the save and the commit cannot keep the old state), and other server
processes pick the change up when their copy expires.

A reader in the event loop (the lanes, ``core/lane.py``) cannot load: there an expired copy
is still answered, while the thread that runs Django's synchronous code loads the new one
(once per key at a time, within ``RELOAD_SPREAD_SECONDS``), so that no request waits for it
and a lane does not leave its requests to the operation every ``ABONENT_SNAPSHOT_SECONDS``.
A copy dropped by a change is gone there too: the event loop's reader then finds nothing, as
before the first load.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0
# The copies that expire together (the windows' hours, all loaded at a server's first
# presses) are reloaded within this many seconds of each other, not all in one moment: each
# reload holds the process's interpreter for some milliseconds.
RELOAD_SPREAD_SECONDS = 10.0


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Snapshot[K: Hashable, T]:
    everyone: ClassVar[list[Snapshot[Any, Any]]] = []

    def __init__(self, load: Callable[[K], T], *, watch: tuple[type[models.Model], ...]) -> None:
        self._load = load
        self._values: dict[K, tuple[float, T]] = {}
        self._loading: set[K] = set()  # reloads under way for the event loop's readers
        self._reloads: set[asyncio.Task[None]] = set()
        for model in watch:
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        Snapshot.everyone.append(self)

    def get(self, key: K) -> T:
        now = time.monotonic()
        held = self._values.get(key)
        if held is not None and held[0] > now:
            return held[1]
        if held is not None:
            loop = _running_loop()
            if loop is not None:  # no loading here: the expired copy, and a reload meanwhile
                self._reload_soon(loop, key)
                return held[1]
        value = self._load(key)
        self._values[key] = (now + settings.ABONENT_SNAPSHOT_SECONDS, value)
        return value

    def _reload_soon(self, loop: asyncio.AbstractEventLoop, key: K) -> None:
        if key in self._loading:
            return
        self._loading.add(key)
        delay = random.uniform(0, RELOAD_SPREAD_SECONDS)  # noqa: S311 (a spread, not a secret)
        task = loop.create_task(self._reload_later(key, delay))
        self._reloads.add(task)  # held until done: the loop keeps weak references only
        task.add_done_callback(self._reloads.discard)

    async def _reload_later(self, key: K, delay: float) -> None:
        await asyncio.sleep(delay)
        await sync_to_async(self._reload, thread_sensitive=True)(key)

    def _reload(self, key: K) -> None:
        """In the thread of Django's synchronous code: load ``key`` anew, unless a change has
        dropped the copy meanwhile (the next reader loads it then)."""
        try:
            started = time.monotonic()
            value = self._load(key)
            if key in self._values:
                self._values[key] = (started + settings.ABONENT_SNAPSHOT_SECONDS, value)
        except Exception:
            log.exception("Reloading a snapshot failed; the expired copy is kept meanwhile")
            held = self._values.get(key)
            if held is not None:  # the next try in a few seconds, not on every read
                self._values[key] = (time.monotonic() + RETRY_SECONDS, held[1])
        finally:
            self._loading.discard(key)

    def clear(self) -> None:
        self._values = {}

    def _changed(self, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=kwargs.get("using"))

    @classmethod
    def clear_all(cls) -> None:
        for snapshot in cls.everyone:
            snapshot.clear()
