"""Issue #5 review, 10 (Q-4): the public board stream details only the steps a board shows;
a priority given, a dispute opened or settled come as a bare ``{"action": "changed"}`` —
no ticket id or number, no action name that tells a priority — still an ``event: step``,
so live.js dispatches ``queue-changed`` and the staff pages refresh."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.equeue import board, services
from abonent.equeue.tests.board_sse import Stream, in_thread
from abonent.equeue.tests.conftest import Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/queue/offices/sc1/board/stream"


def test_priority_and_dispute_steps_are_bare_changes(demo: None, clock: Clock) -> None:
    ha = hall_admin_in("sc1")
    op, w1 = user("operator"), window("sc1", 1)
    # The priority ticket is called first, redirected and disputed; the other one cancelled.
    prio = services.issue_ticket(office_code="sc1", service_code="billing", actor=None).ticket
    waiting = services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    waiting_t = waiting.ticket
    served_id = prio.pk

    def steps(got: list[tuple[str, Any]]) -> list[Any]:
        return [d for k, d in got if k == "step"]

    async def run() -> list[list[Any]]:
        out = []
        async with Stream(AbonentASGIHandler(), PATH) as s:
            assert (await s.next_event())[0] == "board"
            await in_thread(
                services.set_priority, ticket_id=prio.pk, priority="disability", actor=ha
            )
            out.append(steps([await s.next_event() for _ in range(2)]))
            await in_thread(services.call_next_ticket, window=w1, actor=op)
            out.append([await s.next_event() for _ in range(3)])
            await in_thread(
                services.transfer_ticket,
                ticket_id=served_id,
                to_service="household",
                reason="r",
                actor=op,
            )
            out.append(steps([await s.next_event() for _ in range(2)]))
            d = await in_thread(services.open_dispute, ticket_id=served_id, reason="n", actor=op)
            out.append(steps([await s.next_event() for _ in range(2)]))
            await in_thread(services.resolve_dispute, dispute_id=d.pk, decision="keep", actor=ha)
            out.append(steps([await s.next_event() for _ in range(2)]))
            await in_thread(services.cancel_ticket, ticket_id=waiting_t.pk, reason="left", actor=ha)
            out.append(steps([await s.next_event() for _ in range(2)]))
            await board.close_feeds()
        return out

    priority, called, moved, disputed, resolved, cancelled = asyncio.run(run())
    assert priority == [{"action": "changed"}]
    assert [k for k, _ in called] == ["step", "call", "board"]
    assert (called[0][1]["action"], called[0][1]["number"]) == ("called", prio.number)
    assert "priority" not in called[0][1]
    assert [s["action"] for s in moved] == ["transferred"]
    assert set(moved[0]) == {"action", "ticket", "number", "status", "service", "window", "at"}
    assert disputed == [{"action": "changed"}]
    assert resolved == [{"action": "changed"}]
    assert [(s["action"], s["number"]) for s in cancelled] == [("cancelled", waiting_t.number)]
