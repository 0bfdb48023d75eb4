"""Q-4 board stream: after call_next_ticket commits, every connected board gets `step`,
`call` {"number", "window", "at", "recall"} and a fresh `board`; a recall comes as a call
with "recall": true; an issued ticket changes the waiting count. Ticket and window numbers
only: nothing about the consumer is in any event."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.equeue import board, services
from abonent.equeue.tests.board_sse import Stream, in_thread
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/queue/offices/sc1/board/stream"
AT = "2026-11-24T10:00:00+05:00"  # the time of the step as the bus carries it (the clock)


def test_q4_a_call_reaches_the_board_as_step_call_and_board(demo: None, clock: Clock) -> None:
    issued = services.issue_ticket(office_code="sc1", service_code="billing", actor=None).ticket
    services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    hall, w3 = user("admin"), window("sc1", 3)

    async def run() -> list[tuple[str, Any]]:
        async with Stream(AbonentASGIHandler(), PATH) as s:
            assert (await s.next_event())[0] == "board"
            ticket = await in_thread(services.call_next_ticket, window=w3, actor=hall)
            assert ticket is not None and ticket.pk == issued.pk
            got = [await s.next_event() for _ in range(3)]
            await in_thread(services.recall_ticket, ticket_id=ticket.pk, actor=hall)
            got += [await s.next_event() for _ in range(3)]
            await board.close_feeds()
        return got

    got = asyncio.run(run())
    step = {
        "action": "called",
        "ticket": issued.pk,
        "number": "B001",
        "status": "called",
        "service": issued.service_id,
        "window": 3,
        "at": AT,
    }
    snap = {
        "office": "sc1",
        "calling": [{"number": "B001", "window": 3, "called_at": "2026-11-24T05:00:00Z"}],
        "waiting": 1,
        "open_now": True,
        "next_open": "2026-11-25T09:00:00+05:00",
    }
    assert got == [
        ("step", step),
        ("call", {"number": "B001", "window": 3, "at": AT, "recall": False}),
        ("board", snap),
        ("step", {**step, "action": "recalled"}),
        ("call", {"number": "B001", "window": 3, "at": AT, "recall": True}),
        ("board", snap),
    ]


def test_q4_an_issued_ticket_updates_the_waiting_count_without_a_call(
    demo: None, clock: Clock
) -> None:
    async def run() -> list[tuple[str, Any]]:
        async with Stream(AbonentASGIHandler(), PATH) as s:
            first = await s.next_event()
            await in_thread(
                services.issue_ticket, office_code="sc1", service_code="household", actor=None
            )
            got = [first, await s.next_event(), await s.next_event()]
            await board.close_feeds()
        return got

    got = asyncio.run(run())
    assert [kind for kind, _ in got] == ["board", "step", "board"]
    assert (got[0][1]["waiting"], got[2][1]["waiting"]) == (0, 1)
    assert set(got[1][1]) == {"action", "ticket", "number", "status", "service", "window", "at"}
    assert (got[1][1]["action"], got[1][1]["number"], got[1][1]["window"]) == (
        "issued",
        "A001",
        None,
    )


def test_q4_events_of_another_office_do_not_reach_this_board(demo: None, clock: Clock) -> None:
    async def run() -> list[tuple[str, Any]]:
        async with Stream(AbonentASGIHandler(), PATH) as s:
            await s.next_event()
            await in_thread(
                services.issue_ticket, office_code="sc2", service_code="household", actor=None
            )
            await in_thread(
                services.issue_ticket, office_code="sc1", service_code="billing", actor=None
            )
            got = [await s.next_event(), await s.next_event()]
            await board.close_feeds()
        return got

    got = asyncio.run(run())
    assert [(k, d.get("number") if k == "step" else d["waiting"]) for k, d in got] == [
        ("step", "B001"),
        ("board", 1),
    ]
