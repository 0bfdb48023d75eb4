"""Q-4 at scale: a server process computes the board snapshot once per event however many
boards are connected — the database work per event does not grow with the subscribers —
and boards that connect meanwhile share the snapshot already computed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abonent.asgi import AbonentASGIHandler
from abonent.equeue import board, services
from abonent.equeue.tests.board_sse import Stream, in_thread
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/queue/offices/sc1/board/stream"
MORE = 40


def test_q4_one_snapshot_per_event_for_one_board_and_for_many(
    demo: None, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    hall, w1, w2 = user("admin"), window("sc1", 1), window("sc1", 2)
    queries: list[int] = []  # per snapshot computed, in the board's worker thread
    real = board._snapshot_in_thread

    def counted(code: str) -> Any:
        with CaptureQueriesContext(connection) as q:
            result = real(code)
        queries.append(len(q.captured_queries))
        return result

    monkeypatch.setattr(board, "_snapshot_in_thread", counted)

    async def until_call(s: Stream) -> dict[str, Any]:
        while True:
            kind, data = await s.next_event()
            if kind == "call":
                return dict(data)

    async def run() -> tuple[list[int], list[dict[str, Any]], list[dict[str, Any]]]:
        app = AbonentASGIHandler()
        async with Stream(app, PATH) as one:
            assert (await one.next_event())[0] == "board"
            connected = len(queries)
            await in_thread(services.call_next_ticket, window=w1, actor=hall)
            first = [await until_call(one)]
            assert (await one.next_event())[0] == "board"
            per_event_one = queries[connected:]
            many = [Stream(app, PATH) for _ in range(MORE)]
            for s in many:
                await s.__aenter__()
            for s in many:
                assert (await s.next_event())[0] == "board"
            shared = len(queries)  # connecting boards computed nothing new
            await in_thread(services.call_next_ticket, window=w2, actor=hall)
            second = [await until_call(s) for s in [one, *many]]
            for s in [one, *many]:
                assert (await s.next_event())[0] == "board"
            per_event_many = queries[shared:]
            assert shared == connected + len(per_event_one)
            for s in many:
                await s.__aexit__(None, None, None)
            await board.close_feeds()
        return (
            [len(per_event_one), *per_event_one, len(per_event_many), *per_event_many],
            first,
            second,
        )

    counts, first, second = asyncio.run(run())
    # One snapshot of 2 queries (the calls, the waiting count) per event, 1 board or 41.
    assert counts == [1, 2, 1, 2]
    assert [c["number"] for c in first] == ["A001"]
    assert [(c["number"], c["window"]) for c in second] == [("A002", 2)] * (MORE + 1)
