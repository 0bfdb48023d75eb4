"""Q-4 live events, the in-process bus (abonent.core.lib.bus): what a request thread
publishes reaches the subscribers of that channel in the event loop, only them, once; a
bad event never raises into the business write; ABONENT_EVENT_BUS is validated at start."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from abonent.core.lib import bus

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def local_bus() -> Iterator[None]:
    with override_settings(ABONENT_EVENT_BUS="local"):
        yield


def test_q4_a_thread_publishes_and_only_that_channels_subscriber_gets_it_once() -> None:
    async def run() -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        async with bus.subscribe("queue.office.1") as mine, bus.subscribe("queue.office.2"):
            assert isinstance(bus.get_bus(), bus.LocalBus)
            assert bus.HUB.subscriber_count("queue.office.1") == 1
            t = threading.Thread(
                target=lambda: [
                    bus.publish("queue.office.2", {"n": "other"}),
                    bus.publish("queue.office.1", {"n": "A001"}),
                    bus.publish("queue.office.1", {"n": "A002"}),
                ]
            )
            t.start()
            t.join()
            for _ in range(2):
                got.append(await asyncio.wait_for(anext(mine), 5))
            with pytest.raises(TimeoutError):  # the other channel's event did not come
                await asyncio.wait_for(anext(mine), 0.2)
        assert bus.HUB.subscriber_count() == 0
        return got

    assert asyncio.run(run()) == [{"n": "A001"}, {"n": "A002"}]


def test_q4_publish_never_raises_and_delivers_nothing_for_a_bad_payload() -> None:
    async def run() -> None:
        async with bus.subscribe("queue.office.1") as events:
            bus.publish("queue.office.1", {"bad": object()})  # not JSON: logged, dropped
            bus.publish("queue.office.1", {"good": 1})
            assert await asyncio.wait_for(anext(events), 5) == {"good": 1}

    asyncio.run(run())


def test_q4_auto_is_local_on_sqlite_and_postgres_on_postgresql() -> None:
    assert type(bus.make_bus("auto", "sqlite")) is bus.LocalBus
    assert type(bus.make_bus("auto", "postgresql")) is bus.PostgresBus
    assert type(bus.make_bus("local", "postgresql")) is bus.LocalBus
    redis_bus = bus.make_bus("redis://127.0.0.1:6379/2", "sqlite")
    assert isinstance(redis_bus, bus.RedisBus)
    assert redis_bus.channel == "abonent:bus:2"
    with pytest.raises(ValueError, match="unknown backend"):
        bus.make_bus("kafka", "sqlite")


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in {"ABONENT_EVENT_BUS", "DATABASE_URL"}}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**full, "DJANGO_SETTINGS_MODULE": "abonent.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_q4_a_bad_event_bus_setting_stops_the_start_with_a_clear_message() -> None:
    r = _start({"ABONENT_EVENT_BUS": "rabbitmq://x"})
    assert r.returncode != 0
    assert "ABONENT_EVENT_BUS must be 'auto', 'local', 'postgres' or a redis://" in r.stderr
    r = _start({"ABONENT_EVENT_BUS": "postgres"})  # on the SQLite default
    assert r.returncode != 0
    assert "ABONENT_EVENT_BUS=postgres needs a PostgreSQL DATABASE_URL" in r.stderr
    assert _start({"ABONENT_EVENT_BUS": "redis://127.0.0.1:6379/0"}).returncode == 0
