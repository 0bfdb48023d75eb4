"""Issue #5 review, 11 (Q-4): recall, start, finish, no-show and redirect of a ticket at
another window are 403 ``other_window`` (a permission, not a conflict), and change
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.equeue import services
from abonent.equeue.models import Status, TicketEvent
from abonent.equeue.tests.conftest import Api, Clock, user, window

pytestmark = pytest.mark.django_db


def test_another_windows_ticket_is_403(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op2", "sc1", 2)
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    clock.tick(minutes=10)
    op2 = api_as("op2")
    for action, body in (
        ("recall", {}),
        ("start", {}),
        ("finish", {}),
        ("no-show", {}),
        ("transfer", {"to_service": "billing", "reason": "x"}),
    ):
        r = op2.post(f"/tickets/{t.pk}/{action}", body)
        assert (r.status_code, r.json()["code"]) == (403, "other_window"), action
    t.refresh_from_db()
    assert (t.status, t.window_id) == (Status.CALLED, window("sc1", 1).pk)
    assert TicketEvent.objects.filter(ticket=t).count() == 2
