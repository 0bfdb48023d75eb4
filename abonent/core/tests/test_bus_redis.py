"""Q-4 live events across processes through Redis pub/sub (ABONENT_EVENT_BUS=redis://...):
another process's event reaches this process's subscriber, the publisher's own event comes
once, and the listener reconnects after its connection is killed. Skips if Redis is down."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import override_settings

from abonent.core.lib import bus

URL = os.environ.get("ABONENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis() -> redis.Redis:
    return redis.Redis.from_url(URL, socket_connect_timeout=1)


@pytest.fixture(autouse=True)
def redis_bus() -> Iterator[None]:
    try:
        _redis().ping()
    except redis.RedisError:
        if os.environ.get("ABONENT_REDIS_TESTS") == "required":  # CI starts Redis
            pytest.fail("Redis is required for the Redis bus tests (127.0.0.1:6379).")
        pytest.skip("Redis is not running")
    with override_settings(ABONENT_EVENT_BUS=URL):
        yield


def _raw_publish(channel: str, payload: dict[str, Any]) -> None:
    backend = bus.get_bus()
    assert isinstance(backend, bus.RedisBus)
    message = json.dumps({"o": "another-process", "c": channel, "p": payload})
    _redis().publish(backend.channel, message)


def test_q4_another_processs_event_arrives_and_our_own_comes_once() -> None:
    async def run() -> list[dict[str, Any]]:
        async with bus.subscribe("queue.office.5") as events:
            assert isinstance(bus.get_bus(), bus.RedisBus)
            await asyncio.to_thread(_raw_publish, "queue.office.6", {"number": "X"})
            await asyncio.to_thread(_raw_publish, "queue.office.5", {"number": "A010"})
            first = await asyncio.wait_for(anext(events), 10)
            await asyncio.to_thread(bus.publish, "queue.office.5", {"number": "A011"})
            second = await asyncio.wait_for(anext(events), 10)
            await asyncio.to_thread(_raw_publish, "queue.office.5", {"number": "marker"})
            third = await asyncio.wait_for(anext(events), 10)
            return [first, second, third]

    assert asyncio.run(run()) == [{"number": "A010"}, {"number": "A011"}, {"number": "marker"}]


def test_q4_the_redis_listener_reconnects_after_its_connection_is_killed() -> None:
    async def run() -> list[dict[str, Any]]:
        got = []
        async with bus.subscribe("queue.office.5") as events:
            backend = bus.get_bus()
            assert isinstance(backend, bus.RedisBus)
            assert backend.connects == 1
            assert await asyncio.to_thread(_kill_ours) == 1
            got.append(await asyncio.wait_for(anext(events), 15))
            assert backend.connects == 2
            await asyncio.to_thread(_raw_publish, "queue.office.5", {"number": "A012"})
            got.append(await asyncio.wait_for(anext(events), 10))
        return got

    assert asyncio.run(run()) == [{"action": "resync"}, {"number": "A012"}]


def _kill_ours() -> int:
    """Kill this process's listener connection only (found by its client name)."""
    r = _redis()
    name = f"abonent-bus-{os.getpid()}"
    ids = [c["id"] for c in r.client_list() if c.get("name") == name]
    for client_id in ids:
        r.client_kill_filter(_id=client_id)
    return len(ids)
