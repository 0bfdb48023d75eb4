"""Issue #5 review, 15 (Q-3, Q-5): a ticket redirected to a window that has closed since
would never be called; the hall administrator moves it back to its own service's line
(the same service, no window: the target is cleared) — the move form offers that service.
Without a target window the same service stays refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from abonent.core.models import Window
from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Api, Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


def stuck(make_operator: Callable[[str, str, int], Any]) -> Ticket:
    make_operator("op2", "sc1", 2)
    op = user("operator")
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.transfer_ticket(ticket_id=t.pk, to_window=window("sc1", 2).pk, reason="r", actor=op)
    Window.objects.filter(office__code="sc1", number=2).update(is_active=False)
    return t


def test_the_hall_moves_it_back_to_its_line(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    t = stuck(make_operator)
    hall_admin_in("sc1")
    r = api_as("hall_admin").post(
        f"/tickets/{t.pk}/transfer", {"to_service": "household", "reason": "Window 2 closed"}
    )
    assert (r.status_code, r.json()["service"], r.json()["target_window"]) == (
        200,
        "household",
        None,
    )
    called = services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    assert called is not None and (called.pk, called.status) == (t.pk, Status.CALLED)


def test_without_a_target_window_the_same_service_is_refused(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    hall_admin_in("sc1")
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    r = api_as("hall_admin").post(
        f"/tickets/{t.pk}/transfer", {"to_service": "household", "reason": "x"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "same_service")


def test_the_move_form_offers_the_tickets_own_service(
    client: Client, demo: None, clock: Clock, make_operator: Callable[[str, str, int], Any]
) -> None:
    t = stuck(make_operator)
    client.force_login(hall_admin_in("sc1"))
    body = client.get(f"/staff/queue/hall/tickets/{t.pk}/").content.decode()
    assert '<option value="s:household">' in body
    plain = services.issue_ticket(office_code="sc1", service_code="billing", actor=None).ticket
    body = client.get(f"/staff/queue/hall/tickets/{plain.pk}/").content.decode()
    assert '<option value="s:billing">' not in body and '<option value="s:household">' in body
