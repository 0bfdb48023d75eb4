"""Q-5: redirection by the same ticket; Q-6: disputes settled by the hall administrator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.core.models import AuditEntry
from abonent.equeue import services
from abonent.equeue.models import Action, Decision, Dispute, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Api, Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


def issue(code: str = "household") -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code=code, actor=None).ticket


def serving_at_window_1(clock: Clock) -> Ticket:
    t = issue()
    op = user("operator")
    called = services.call_next_ticket(window=window("sc1", 1), actor=op)
    assert called is not None and called.pk == t.pk
    services.start_ticket(ticket_id=t.pk, actor=op)
    clock.tick(minutes=3)
    return t


def test_q5_transfer_keeps_the_same_ticket_and_its_place(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = serving_at_window_1(clock)
    issued_at = t.issued_at
    later = issue("billing")  # issued after t
    r = api_as("operator").post(
        f"/tickets/{t.pk}/transfer", {"to_service": "billing", "reason": "Debt question"}
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["number"], body["service"], body["status"]) == (
        t.pk,
        "A001",
        "billing",
        "waiting",
    )
    assert body["comment"] == "Debt question"
    t.refresh_from_db()
    assert (t.issued_at, t.window_id, t.called_at) == (issued_at, None, None)
    assert Ticket.objects.count() == 2
    # Keeps its original issue time: it goes before the billing ticket taken later.
    nxt = services.call_next_ticket(window=window("sc1", 3), actor=user("admin"))
    assert nxt is not None and nxt.pk == t.pk and nxt.pk != later.pk
    ev = TicketEvent.objects.get(ticket=t, action=Action.TRANSFERRED)
    assert (ev.from_service.code, ev.to_service.code, ev.from_window.number) == (  # type: ignore[union-attr]
        "household",
        "billing",
        1,
    )
    assert AuditEntry.objects.filter(action="ticket.transferred", object_id=str(t.pk)).count() == 1


def test_q5_transfer_to_one_specific_window(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op2", "sc1", 2)
    t = serving_at_window_1(clock)
    w2 = window("sc1", 2)
    r = api_as("operator").post(
        f"/tickets/{t.pk}/transfer", {"to_window": w2.pk, "reason": "Contract change"}
    )
    assert (r.status_code, r.json()["target_window"]) == (200, 2)
    assert services.call_next_ticket(window=window("sc1", 1), actor=user("operator")) is None
    called = services.call_next_ticket(window=w2, actor=user("op2"))
    assert called is not None and called.number == "A001" and called.comment == "Contract change"


def test_q5_transfer_refusals_change_nothing(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op2", "sc1", 2)
    t = serving_at_window_1(clock)
    op = api_as("operator")
    cases = [
        (op, {"to_service": "billing", "reason": " "}, 422),
        (op, {"reason": "x"}, 422),
        (op, {"to_service": "household", "reason": "x"}, 422),
        (op, {"to_service": "nope", "reason": "x"}, 404),
        (api_as("op2"), {"to_service": "billing", "reason": "x"}, 403),
        (api_as("cashier"), {"to_service": "billing", "reason": "x"}, 403),
    ]
    for client, body, status in cases:
        assert client.post(f"/tickets/{t.pk}/transfer", body).status_code == status, body
    t.refresh_from_db()
    assert (t.status, t.service.code, t.window_id) == (
        Status.SERVING,
        "household",
        window("sc1", 1).pk,
    )


def test_q3_hall_administrator_moves_a_waiting_ticket(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    hall_admin_in("sc1")
    r = api_as("hall_admin").post(
        f"/tickets/{t.pk}/transfer", {"to_service": "billing", "reason": "Wrong queue"}
    )
    assert (r.status_code, r.json()["service"]) == (200, "billing")
    r = api_as("operator").post(
        f"/tickets/{t.pk}/transfer", {"to_service": "household", "reason": "Back"}
    )
    assert (r.status_code, r.json()["code"]) == (409, "not_called")


def test_q6_dispute_and_return_by_the_hall_administrator(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op2", "sc1", 2)
    t = serving_at_window_1(clock)
    w2 = window("sc1", 2)
    services.transfer_ticket(
        ticket_id=t.pk, to_window=w2.pk, reason="Yours", actor=user("operator")
    )
    services.call_next_ticket(window=w2, actor=user("op2"))
    r = api_as("op2").post(f"/tickets/{t.pk}/dispute", {"reason": "Not my question"})
    assert r.status_code == 201
    dispute_id = r.json()["id"]
    r = api_as("op2").post(f"/tickets/{t.pk}/dispute", {"reason": "Again"})
    assert (r.status_code, r.json()["code"]) == (409, "dispute_open")
    r = api_as("operator").post(f"/disputes/{dispute_id}/resolve", {"decision": "return"})
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    hall_admin_in("sc1")
    r = api_as("hall_admin").post(
        f"/disputes/{dispute_id}/resolve", {"decision": "return", "note": "Window 1 serves it"}
    )
    assert (r.status_code, r.json()["decision"]) == (200, "return")
    d = Dispute.objects.get()
    assert (d.decision, d.resolved_by, d.decision_note) == (
        Decision.RETURN,
        user("hall_admin"),
        "Window 1 serves it",
    )
    t.refresh_from_db()
    assert (t.status, t.target_window, t.number) == (Status.WAITING, window("sc1", 1), "A001")
    r = api_as("hall_admin").post(f"/disputes/{dispute_id}/resolve", {"decision": "keep"})
    assert (r.status_code, r.json()["code"]) == (409, "already_resolved")


def test_q6_dispute_needs_a_redirection_and_an_involved_window(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op3", "sc1", 3)
    t = serving_at_window_1(clock)
    r = api_as("operator").post(f"/tickets/{t.pk}/dispute", {"reason": "?"})
    assert (r.status_code, r.json()["code"]) == (409, "not_redirected")
    services.transfer_ticket(
        ticket_id=t.pk, to_window=window("sc1", 2).pk, reason="Yours", actor=user("operator")
    )
    r = api_as("op3").post(f"/tickets/{t.pk}/dispute", {"reason": "?"})
    assert (r.status_code, r.json()["code"]) == (403, "not_involved")
    assert Dispute.objects.count() == 0


def test_q6_keep_decision_leaves_the_ticket_where_it_is(demo: None, clock: Clock) -> None:
    t = serving_at_window_1(clock)
    services.transfer_ticket(
        ticket_id=t.pk, to_service="billing", reason="Debt", actor=user("operator")
    )
    d = services.open_dispute(ticket_id=t.pk, reason="Disagree", actor=hall_admin_in("sc1"))
    services.resolve_dispute(dispute_id=d.pk, decision=Decision.KEEP, actor=user("hall_admin"))
    t.refresh_from_db()
    assert (t.status, t.service.code, t.target_window) == (Status.WAITING, "billing", None)
