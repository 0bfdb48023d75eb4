"""Q-4 board stream: when the bus's listener had to reconnect (events may have been missed
meanwhile) it tells subscribers to resync; the boards then get a fresh `board` snapshot
and no `step` for it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.core.lib import bus
from abonent.core.models import Office
from abonent.equeue import board, events
from abonent.equeue.models import Ticket
from abonent.equeue.tests.board_sse import Stream, in_thread
from abonent.equeue.tests.conftest import Clock

pytestmark = pytest.mark.django_db(transaction=True)


def test_q4_a_resync_from_the_bus_sends_a_fresh_board(demo: None, clock: Clock) -> None:
    office = Office.objects.get(code="sc1")
    channel = events.channel(office.pk)

    def missed_issue() -> None:
        # A ticket whose event was lost (written without publishing).
        from abonent.core.models import Service

        service = Service.objects.get(office=office, code="household")
        Ticket.objects.create(
            office=office,
            service=service,
            day=clock.at.date(),
            seq=1,
            number="A001",
            issued_at=clock.at,
        )

    async def run() -> list[tuple[str, Any]]:
        async with Stream(AbonentASGIHandler(), "/api/v1/queue/offices/sc1/board/stream") as s:
            got = [await s.next_event()]
            await in_thread(missed_issue)
            bus.HUB.deliver(channel, dict(bus.RESYNC))
            got.append(await s.next_event())
            await board.close_feeds()
        return got

    got = asyncio.run(run())
    assert [(k, d["waiting"]) for k, d in got] == [("board", 0), ("board", 1)]
