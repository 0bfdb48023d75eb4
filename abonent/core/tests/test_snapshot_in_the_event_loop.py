"""A snapshot read in the event loop (core/lib/snapshot.py): the lanes cannot load, so an
expired copy is answered while Django's synchronous thread loads the new one — once per key,
never by the reader — and a copy dropped by a change stays dropped (#5: every 30 seconds
each window's press went to the operation, whose reload cost a round of twenty presses
about 150 ms)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.test.utils import override_settings

from abonent.core.lib import snapshot
from abonent.core.lib.snapshot import Snapshot


class Loader:
    def __init__(self) -> None:
        self.version = 1
        self.threads: list[str] = []
        self.fail = False

    def __call__(self, key: str) -> str:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ConnectionError("the database is away")
        return f"{key}-v{self.version}"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    monkeypatch.setattr(snapshot, "RELOAD_SPREAD_SECONDS", 0.0)
    now = [1000.0]
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: now[0])
    return now


async def reloads_done(held: Snapshot[Any, Any]) -> None:
    while held._reloads:
        await asyncio.gather(*list(held._reloads))


@override_settings(ABONENT_SNAPSHOT_SECONDS=30)
def test_an_expired_copy_is_answered_in_the_loop_while_another_thread_reloads_it(
    clock: list[float],
) -> None:
    load = Loader()
    held: Snapshot[str, str] = Snapshot(load, watch=())
    assert held.get("w1") == "w1-v1"  # outside the loop: loaded by the reader
    load.version = 2
    clock[0] += 31

    async def in_the_loop() -> list[str]:
        answers = [held.get("w1") for _ in range(3)]  # expired: the old copy, at once
        await reloads_done(held)
        return [*answers, held.get("w1")]

    assert asyncio.run(in_the_loop()) == ["w1-v1", "w1-v1", "w1-v1", "w1-v2"]
    assert len(load.threads) == 2  # one reload for the three readers
    assert load.threads[1] != threading.current_thread().name


@override_settings(ABONENT_SNAPSHOT_SECONDS=30)
def test_in_the_loop_nothing_held_is_loaded_by_the_reader_and_a_dropped_copy_stays_dropped(
    clock: list[float],
) -> None:
    """Without a copy the reader loads as anywhere (a lane's reader then fails on the
    database and leaves its request to the operation); a change that drops the copy during
    a reload is not undone by it."""
    load = Loader()
    held: Snapshot[str, str] = Snapshot(load, watch=())

    async def first_read() -> str:
        return held.get("w1")

    assert asyncio.run(first_read()) == "w1-v1"
    assert load.threads == [threading.current_thread().name]
    clock[0] += 31

    async def dropped_meanwhile() -> str:
        answer = held.get("w1")
        held.clear()  # a change, before the reload has run
        await reloads_done(held)
        return answer

    assert asyncio.run(dropped_meanwhile()) == "w1-v1"
    assert held._values == {}


@override_settings(ABONENT_SNAPSHOT_SECONDS=30)
def test_a_failed_reload_keeps_the_copy_and_tries_again_in_a_few_seconds(
    clock: list[float],
) -> None:
    load = Loader()
    held: Snapshot[str, str] = Snapshot(load, watch=())
    held.get("w1")
    load.fail = True
    clock[0] += 31

    async def reads() -> list[str]:
        answers = [held.get("w1")]
        await reloads_done(held)
        answers.append(held.get("w1"))  # within the retry pause: no reload
        await reloads_done(held)
        clock[0] += snapshot.RETRY_SECONDS + 1
        load.fail, load.version = False, 2
        answers.append(held.get("w1"))  # the retry, the old copy meanwhile
        await reloads_done(held)
        return [*answers, held.get("w1")]

    assert asyncio.run(reads()) == ["w1-v1", "w1-v1", "w1-v1", "w1-v2"]
    assert len(load.threads) == 3  # the first load, the failed reload, the retry
