"""Issue #5 review, 2 (Q-3, Q-6): a hall administrator acts in the office of their staff
profile only — through the API as through the pages (``services.hall_admin_of``): priority,
cancel, move, a priority ticket, settling and opening a dispute in another office are 403
and change nothing; in their own office they work; a superuser acts anywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from abonent.equeue import services
from abonent.equeue.models import Dispute, Priority, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Api, Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


def sc1_ticket() -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket


def redirected_sc1_ticket() -> Ticket:
    t = sc1_ticket()
    op = user("operator")
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.transfer_ticket(ticket_id=t.pk, to_service="billing", reason="r", actor=op)
    return t


def snapshot(t: Ticket) -> tuple[str, str, str, int]:
    t.refresh_from_db()
    return (t.status, t.priority, t.service.code, TicketEvent.objects.filter(ticket=t).count())


def test_ticket_actions_in_another_office_are_403(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = sc1_ticket()
    before = snapshot(t)
    ha = api_as("hall_admin")  # seated in central
    for path, body in (
        ("cancel", {"reason": "x"}),
        ("priority", {"priority": "elderly"}),
        ("transfer", {"to_service": "billing", "reason": "x"}),
    ):
        r = ha.post(f"/tickets/{t.pk}/{path}", body)
        assert (r.status_code, r.json()["code"]) == (403, "not_your_office"), path
    assert snapshot(t) == before


def test_a_priority_ticket_in_another_office_is_403(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    body = {"office": "sc1", "service": "household", "priority": "disability"}
    r = api_as("hall_admin").post("/tickets", body)
    assert (r.status_code, r.json()["code"]) == (403, "priority_forbidden")
    assert Ticket.objects.count() == 0


def test_disputes_in_another_office_are_403(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = redirected_sc1_ticket()
    r = api_as("hall_admin").post(f"/tickets/{t.pk}/dispute", {"reason": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "not_involved")
    assert Dispute.objects.count() == 0
    d = services.open_dispute(ticket_id=t.pk, reason="no", actor=user("operator"))
    r = api_as("hall_admin").post(f"/disputes/{d.pk}/resolve", {"decision": "return"})
    assert (r.status_code, r.json()["code"]) == (403, "not_your_office")
    d.refresh_from_db()
    assert (d.resolved_at, d.decision) == (None, "")
    assert snapshot(t)[:3] == (Status.WAITING, Priority.NONE, "billing")


def test_in_their_own_office_they_act(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    hall_admin_in("sc1")
    ha = api_as("hall_admin")
    t2 = redirected_sc1_ticket()
    assert ha.post(f"/tickets/{t2.pk}/dispute", {"reason": "x"}).status_code == 201
    d = Dispute.objects.get()
    r = ha.post(f"/disputes/{d.pk}/resolve", {"decision": "keep"})
    assert (r.status_code, r.json()["decision"]) == (200, "keep")
    t = sc1_ticket()
    assert ha.post(f"/tickets/{t.pk}/priority", {"priority": "elderly"}).status_code == 200
    r = ha.post("/tickets", {"office": "sc1", "service": "household", "priority": "elderly"})
    assert (r.status_code, r.json()["priority"]) == (201, "elderly")
    r = ha.post(f"/tickets/{t.pk}/transfer", {"to_service": "billing", "reason": "x"})
    assert (r.status_code, r.json()["service"]) == (200, "billing")
    assert ha.post(f"/tickets/{t.pk}/cancel", {"reason": "left"}).status_code == 200


def test_a_superuser_acts_in_any_office(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    t = sc1_ticket()
    r = api_as("admin").post(f"/tickets/{t.pk}/priority", {"priority": "pregnancy"})
    assert (r.status_code, r.json()["priority"]) == (200, "pregnancy")
