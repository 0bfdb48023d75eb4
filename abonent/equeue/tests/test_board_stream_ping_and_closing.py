"""Q-4 board stream: a `: ping` comment keeps idle streams (and proxies) alive, and a named
`event: ping` lets the page's watchdog see the stream is alive (issue #5 review, 7); and when
the office closes while boards are connected they get a fresh `board` with open_now false
and the next opening — without any queue event (intervals shortened for the test)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.equeue import board
from abonent.equeue.tests.board_sse import Stream
from abonent.equeue.tests.conftest import Clock

pytestmark = pytest.mark.django_db(transaction=True)


def test_q4_idle_streams_get_pings_and_a_new_board_when_the_office_closes(
    demo: None, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.tick(hours=7, minutes=59)  # Tuesday 17:59, a minute before closing
    monkeypatch.setattr(board, "PING_SECONDS", 0.05)

    async def run() -> list[tuple[str, Any]]:
        async with Stream(AbonentASGIHandler(), "/api/v1/queue/offices/sc1/board/stream") as s:
            got = [await s.next_event()]
            got.append(await s.next())  # idle: a ping comment for proxies
            got.append(await s.next())  # and a named ping the page's watchdog sees
            clock.tick(minutes=2)  # 18:01
            monkeypatch.setattr(board, "REFRESH_SECONDS", 0.0)
            got.append(await s.next_event())
            await board.close_feeds()
        return got

    got = asyncio.run(run())
    assert got[1:3] == [("comment", "ping"), ("ping", {})]
    assert [(k, d["open_now"], d["next_open"]) for k, d in (got[0], got[3])] == [
        ("board", True, "2026-11-25T09:00:00+05:00"),
        ("board", False, "2026-11-25T09:00:00+05:00"),
    ]
