"""Q-4 board stream: on connect the client gets `retry: 3000` and the `board` snapshot —
the same data as GET .../board plus the office's open_now/next_open — with the SSE headers
a proxy and a browser need."""

from __future__ import annotations

import asyncio

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.equeue import board, services
from abonent.equeue.tests.board_sse import Stream
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db(transaction=True)


def test_q4_the_stream_starts_with_retry_and_the_board_snapshot(demo: None, clock: Clock) -> None:
    for _ in range(2):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    called = services.call_next_ticket(window=window("sc1", 2), actor=user("admin"))
    assert called is not None and called.number == "A001"

    async def run() -> tuple[Stream, list[tuple[str, object]]]:
        async with Stream(AbonentASGIHandler(), "/api/v1/queue/offices/sc1/board/stream") as s:
            got = [await s.next(), await s.next()]
            await board.close_feeds()
        return s, got

    s, got = asyncio.run(run())
    assert s.status == 200
    assert s.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert s.headers["cache-control"] == "no-cache"
    assert s.headers["x-accel-buffering"] == "no"
    assert got == [
        ("retry", 3000),
        (
            "board",
            {
                "office": "sc1",
                "calling": [{"number": "A001", "window": 2, "called_at": "2026-11-24T05:00:00Z"}],
                "waiting": 1,
                "open_now": True,
                "next_open": "2026-11-25T09:00:00+05:00",
            },
        ),
    ]


def test_q4_the_json_board_is_the_same_snapshot(demo: None, clock: Clock, client) -> None:  # type: ignore[no-untyped-def]
    services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    body = client.get("/api/v1/queue/offices/sc1/board").json()
    assert body == {
        "office": "sc1",
        "calling": [],
        "waiting": 1,
        "open_now": True,
        "next_open": "2026-11-25T09:00:00+05:00",
    }
