"""Q-3, Q-6 on the hall administrator's page and API: issue on the consumer's behalf with a
printable ticket, set or clear a priority, move a waiting ticket, cancel it, settle a
dispute. Each writes an audit row and a ticket step; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.equeue import services
from abonent.equeue.models import Action, Decision, Dispute, Priority, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Api, Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


def issue(office: str = "central", code: str = "legal") -> Ticket:
    return services.issue_ticket(office_code=office, service_code=code, actor=None).ticket


def guard(t: Ticket) -> dict[str, Any]:
    t.refresh_from_db()
    step = TicketEvent.objects.filter(ticket=t).order_by("-id").values_list("id", flat=True)[0]
    return {"ticket": t.pk, "status": t.status, "step": step}


@pytest.fixture
def ha(client: Client, demo: None) -> Client:
    client.force_login(user("hall_admin"))  # seated in the central office
    return client


def test_q3_the_hall_shows_queues_in_call_order_windows_and_staff(ha: Client, clock: Clock) -> None:
    first = issue()
    clock.tick(minutes=4)
    services.issue_ticket(
        office_code="central", service_code="legal", priority=Priority.ELDERLY, actor=user("admin")
    )
    clock.tick(minutes=1)
    page = ha.get("/staff/queue/hall/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("A002") < body.index("A001")  # the priority ticket is called first
    assert first.number in body
    assert "Ким" in body  # the cashier seated at window 9


def test_q3_issue_on_behalf_then_the_printable_ticket(ha: Client, clock: Clock) -> None:
    r = ha.post(
        "/staff/queue/hall/issue/",
        {"office": "central", "service": "legal", "priority": "disability"},
    )
    t = Ticket.objects.get()
    assert (r.status_code, r["Location"]) == (302, f"/staff/queue/hall/tickets/{t.pk}/print/")
    assert (t.number, t.priority, t.issued_by.username) == ("A001", "disability", "hall_admin")
    printed = ha.get(r["Location"]).content.decode()
    assert "A001" in printed and "data-print" in printed


def test_q3_issue_for_a_closed_service_is_refused_inline(ha: Client, clock: Clock) -> None:
    clock.tick(hours=4)  # 14:00: the contracts department works 09:00-13:00
    r = ha.post("/staff/queue/hall/issue/", {"office": "central", "service": "contracts"})
    assert r.status_code == 409
    assert "closed" in r.content.decode()
    assert Ticket.objects.count() == 0


def test_q3_set_and_clear_a_priority(ha: Client, clock: Clock) -> None:
    t = issue()
    r = ha.post(
        f"/staff/queue/hall/tickets/{t.pk}/priority/", {**guard(t), "priority": "pregnancy"}
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.priority == Priority.PREGNANCY
    step = TicketEvent.objects.filter(ticket=t).order_by("-id").first()
    assert step is not None and (step.action, step.priority) == (Action.PRIORITY_SET, "pregnancy")
    audit = AuditEntry.objects.filter(action="ticket.priority_set").get()
    assert (audit.before["priority"], audit.after["priority"]) == ("none", "pregnancy")
    assert (
        ha.post(
            f"/staff/queue/hall/tickets/{t.pk}/priority/", {**guard(t), "priority": "none"}
        ).status_code
        == 302
    )
    t.refresh_from_db()
    assert t.priority == Priority.NONE


def test_q3_priority_of_a_called_ticket_is_refused(ha: Client, clock: Clock) -> None:
    t = issue("sc1", "household")
    services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    with pytest.raises(services.InvalidTransition):
        services.set_priority(ticket_id=t.pk, priority="elderly", actor=hall_admin_in("sc1"))
    t.refresh_from_db()
    assert (t.priority, t.status) == (Priority.NONE, Status.CALLED)


def test_q3_only_a_hall_administrator_sets_a_priority(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    r = api_as("operator").post(f"/tickets/{t.pk}/priority", {"priority": "elderly"})
    assert (r.status_code, r.json()["code"]) == (403, "not_hall_admin")
    r = api_as("hall_admin").post(f"/tickets/{t.pk}/priority", {"priority": "elderly"})
    assert (r.status_code, r.json()["priority"]) == (200, "elderly")


def test_q3_cancel_a_waiting_ticket_with_a_reason(ha: Client, clock: Clock) -> None:
    t = issue()
    r = ha.post(f"/staff/queue/hall/tickets/{t.pk}/cancel/", {**guard(t), "reason": " "})
    assert r.status_code == 422
    t.refresh_from_db()
    assert t.status == Status.WAITING
    r = ha.post(f"/staff/queue/hall/tickets/{t.pk}/cancel/", {**guard(t), "reason": "Left"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.status, t.finished_at) == (Status.CANCELLED, clock.at)
    ev = TicketEvent.objects.filter(ticket=t).order_by("-id").first()
    assert ev is not None and (ev.action, ev.note) == (Action.CANCELLED, "Left")
    assert AuditEntry.objects.filter(action="ticket.cancelled").count() == 1


def test_q3_cancel_through_the_api_and_twice_is_refused(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    ha = api_as("hall_admin")
    assert ha.post(f"/tickets/{t.pk}/cancel", {"reason": "Left"}).json()["status"] == "cancelled"
    r = ha.post(f"/tickets/{t.pk}/cancel", {"reason": "Left"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert TicketEvent.objects.filter(ticket=t, action=Action.CANCELLED).count() == 1


def test_q3_move_a_waiting_ticket_to_a_window(ha: Client, clock: Clock) -> None:
    t = issue()
    w3 = window("central", 3)
    r = ha.post(
        f"/staff/queue/hall/tickets/{t.pk}/move/",
        {**guard(t), "target": f"w:{w3.pk}", "comment": "Asked for window 3"},
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.status, t.target_window_id, t.comment) == (
        Status.WAITING,
        w3.pk,
        "Asked for window 3",
    )


def test_q3_a_stale_hall_form_changes_nothing(ha: Client, clock: Clock) -> None:
    t = issue()
    form = guard(t)
    assert (
        ha.post(
            f"/staff/queue/hall/tickets/{t.pk}/priority/", {**form, "priority": "elderly"}
        ).status_code
        == 302
    )
    r = ha.post(f"/staff/queue/hall/tickets/{t.pk}/cancel/", {**form, "reason": "Left"})
    assert r.status_code == 409 and "stale" in r.content.decode()
    t.refresh_from_db()
    assert (t.status, t.priority) == (Status.WAITING, Priority.ELDERLY)


def test_q6_a_dispute_is_listed_and_its_resolution_recorded(
    ha: Client, clock: Clock, make_operator: Any
) -> None:
    make_operator("c1", "central", 1)
    make_operator("c2", "central", 2)
    t = issue()
    services.call_next_ticket(window=window("central", 1), actor=user("c1"))
    services.transfer_ticket(
        ticket_id=t.pk, to_window=window("central", 2).pk, reason="Contract", actor=user("c1")
    )
    services.call_next_ticket(window=window("central", 2), actor=user("c2"))
    d = services.open_dispute(ticket_id=t.pk, reason="Not mine", actor=user("c2"))
    body = ha.get("/staff/queue/hall/").content.decode()
    assert "Not mine" in body and "Contract" in body
    r = ha.post(f"/staff/queue/hall/disputes/{d.pk}/resolve/", {"decision": "bogus"})
    assert r.status_code == 422
    d.refresh_from_db()
    assert d.resolved_at is None
    r = ha.post(
        f"/staff/queue/hall/disputes/{d.pk}/resolve/", {"decision": "return", "note": "Back"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    t.refresh_from_db()
    assert (d.decision, d.decision_note, d.resolved_by.username, d.resolved_at) == (
        Decision.RETURN,
        "Back",
        "hall_admin",
        clock.at,
    )
    assert (t.status, t.target_window_id) == (Status.WAITING, window("central", 1).pk)
    assert "Not mine" not in ha.get("/staff/queue/hall/").content.decode()
    assert Dispute.objects.filter(resolved_at__isnull=True).count() == 0


def test_q3_hall_api_snapshot(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    t = issue()
    services.set_priority(ticket_id=t.pk, priority="elderly", actor=user("hall_admin"))
    r = api_as("hall_admin").get("/offices/central/hall")
    assert r.status_code == 200
    data = r.json()
    legal = next(q for q in data["queues"] if q["service"] == "legal")
    assert [(x["number"], x["priority"], x["wait_minutes"]) for x in legal["waiting"]] == [
        ("A001", "elderly", 0)
    ]
    w9 = next(w for w in data["windows"] if w["number"] == 9)
    assert (w9["state"], w9["staff"], w9["current"]) == ("open", ["cashier"], None)
    r = api_as("hall_admin").get("/offices/sc1/hall")
    assert (r.status_code, r.json()["code"]) == (403, "not_your_office")
    assert api_as("operator").get("/offices/sc1/hall").status_code == 403
    # The head (of sc1) looks at their own office only, as in the statistics.
    assert api_as("head").get("/offices/sc1/hall").status_code == 200
    assert api_as("head").get("/offices/central/hall").status_code == 403
