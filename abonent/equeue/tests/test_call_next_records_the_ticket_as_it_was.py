"""Q-4/Q-5: calling a ticket that was redirected to this window records, in the audit log,
the ticket as it was (waiting, meant for this window only) and as it
became (called here by this employee) — on PostgreSQL the claim and the change are one
statement, on SQLite two; both must leave the same trail."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.core.models import AuditEntry
from abonent.equeue import services
from abonent.equeue.models import Action, Status, TicketEvent
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def test_the_call_of_a_redirected_ticket_keeps_its_before_and_after(
    demo: None, clock: Clock, make_operator: Any
) -> None:
    make_operator("op2", "sc1", 2)
    w1, w2 = window("sc1", 1), window("sc1", 2)
    operator, op2 = user("operator"), user("op2")
    ticket = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    assert services.call_next_ticket(window=w1, actor=operator).pk == ticket.pk
    services.start_ticket(ticket_id=ticket.pk, actor=operator)
    services.transfer_ticket(
        ticket_id=ticket.pk, to_window=w2.pk, reason="Contract", actor=operator
    )
    clock.tick(minutes=1)
    called = services.call_next_ticket(window=w2, actor=op2)
    assert called is not None and called.pk == ticket.pk
    assert (called.status, called.window_id, called.target_window_id, called.employee_id) == (
        Status.CALLED,
        w2.pk,
        None,
        op2.pk,
    )
    assert called.called_at == clock.at
    ticket.refresh_from_db()
    assert (ticket.status, ticket.window_id, ticket.target_window_id, ticket.employee_id) == (
        Status.CALLED,
        w2.pk,
        None,
        op2.pk,
    )
    entry = AuditEntry.objects.filter(action="ticket.called", object_id=str(ticket.pk)).latest("id")
    assert entry.actor_id == op2.pk
    assert entry.before == {
        "status": "waiting",
        "service_id": ticket.service_id,
        "window_id": None,  # a redirected ticket waits for no window but its target
        "target_window_id": w2.pk,
        "priority": "none",
        "employee_id": None,
    }
    assert entry.after == {
        "status": "called",
        "service_id": ticket.service_id,
        "window_id": w2.pk,
        "target_window_id": None,
        "priority": "none",
        "employee_id": op2.pk,
    }
    step = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert (step.action, step.window_id, step.actor_id, step.at) == (
        Action.CALLED,
        w2.pk,
        op2.pk,
        clock.at,
    )
