"""Q-4 live events across processes on PostgreSQL (LISTEN/NOTIFY): an event published by
another process reaches this process's subscriber; the publishing process delivers its own
event once; after the listener's connection is killed it reconnects, tells subscribers to
resync, and delivers again."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from abonent.core.lib import bus

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture(autouse=True)
def pg_bus() -> Iterator[None]:
    with override_settings(ABONENT_EVENT_BUS="postgres"):
        yield


def _database_url() -> str:
    s = connection.settings_dict  # the test database
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _conninfo() -> dict[str, Any]:
    return {**bus.PostgresBus.conninfo(), "application_name": "test-bus"}


def _raw_notify(channel: str, payload: dict[str, Any], origin: str = "another-process") -> None:
    """What another process's publish sends, on a plain connection of our own."""
    with psycopg.connect(**_conninfo(), autocommit=True) as conn:
        message = json.dumps({"o": origin, "c": channel, "p": payload})
        conn.execute("SELECT pg_notify(%s, %s)", [bus.BUS_CHANNEL, message])


def test_q4_an_event_published_by_another_process_reaches_this_processs_subscriber() -> None:
    async def run() -> dict[str, Any]:
        async with bus.subscribe("queue.office.7") as events:
            assert isinstance(bus.get_bus(), bus.PostgresBus)
            assert bus.get_bus().is_listening()
            code = (
                "import django; django.setup()\n"
                "from abonent.core.lib import bus\n"
                "bus.publish('queue.office.8', {'number': 'B001'})\n"
                "bus.publish('queue.office.7', {'number': 'A012', 'window': 3})\n"
            )
            env = {
                **os.environ,
                "DATABASE_URL": _database_url(),
                "ABONENT_EVENT_BUS": "postgres",
                "DJANGO_SETTINGS_MODULE": "abonent.settings",
            }
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", code, cwd=ROOT, env=env
            )
            assert await proc.wait() == 0
            return await asyncio.wait_for(anext(events), 10)

    assert asyncio.run(run()) == {"number": "A012", "window": 3}


def test_q4_the_publishing_process_delivers_its_own_event_once() -> None:
    async def run() -> list[dict[str, Any]]:
        async with bus.subscribe("queue.office.7") as events:
            # A request thread publishes through Django's connection (autocommit).
            await asyncio.to_thread(bus.publish, "queue.office.7", {"number": "A001"})
            first = await asyncio.wait_for(anext(events), 10)
            # A marker from "another process" after it: if our own NOTIFY came back as a
            # second copy, it would arrive before the marker.
            await asyncio.to_thread(_raw_notify, "queue.office.7", {"number": "marker"})
            second = await asyncio.wait_for(anext(events), 10)
            return [first, second]

    assert asyncio.run(run()) == [{"number": "A001"}, {"number": "marker"}]


def test_q4_the_listener_reconnects_after_its_connection_is_killed() -> None:
    async def run() -> list[dict[str, Any]]:
        got = []
        async with bus.subscribe("queue.office.7") as events:
            backend = bus.get_bus()
            assert isinstance(backend, bus.PostgresBus)
            assert backend.connects == 1

            def kill() -> int:
                with psycopg.connect(**_conninfo(), autocommit=True) as conn:
                    row = conn.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'abonent-bus' AND datname = current_database()"
                    ).fetchone()
                    return int(row[0]) if row else 0

            assert await asyncio.to_thread(kill) == 1
            got.append(await asyncio.wait_for(anext(events), 15))  # resync after reconnecting
            assert backend.connects == 2
            await asyncio.to_thread(_raw_notify, "queue.office.7", {"number": "A002"})
            got.append(await asyncio.wait_for(anext(events), 10))
        return got

    assert asyncio.run(run()) == [{"action": "resync"}, {"number": "A002"}]


def test_q4_a_message_from_another_database_user_that_is_not_ours_is_ignored() -> None:
    async def run() -> dict[str, Any]:
        async with bus.subscribe("queue.office.7") as events:

            def junk() -> None:
                with psycopg.connect(**_conninfo(), autocommit=True) as conn:
                    conn.execute("SELECT pg_notify(%s, %s)", [bus.BUS_CHANNEL, "not json"])

            await asyncio.to_thread(junk)
            await asyncio.to_thread(_raw_notify, "queue.office.7", {"number": "A003"})
            return await asyncio.wait_for(anext(events), 10)

    assert asyncio.run(run()) == {"number": "A003"}
