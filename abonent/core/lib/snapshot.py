"""Per-process snapshots of small, rarely edited tables (calendar overrides, topics).

A hot path such as registering an appeal would otherwise read and rebuild them on every
request. A snapshot keeps what its loader returned for ``ABONENT_SNAPSHOT_SECONDS``; a change
to a watched model drops it in the changing process at once (and again after the commit, so
a reader between the save and the commit cannot keep the old state), and other server
processes pick the change up when their copy expires.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


class Snapshot[K: Hashable, T]:
    everyone: ClassVar[list[Snapshot[Any, Any]]] = []

    def __init__(self, load: Callable[[K], T], *, watch: tuple[type[models.Model], ...]) -> None:
        self._load = load
        self._values: dict[K, tuple[float, T]] = {}
        for model in watch:
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        Snapshot.everyone.append(self)

    def get(self, key: K) -> T:
        now = time.monotonic()
        held = self._values.get(key)
        if held is not None and held[0] > now:
            return held[1]
        value = self._load(key)
        self._values[key] = (now + settings.ABONENT_SNAPSHOT_SECONDS, value)
        return value

    def clear(self) -> None:
        self._values = {}

    def _changed(self, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=kwargs.get("using"))

    @classmethod
    def clear_all(cls) -> None:
        for snapshot in cls.everyone:
            snapshot.clear()
