"""Issue #5 review, 9 (Q-2, Q-3): POST /api/v1/queue/tickets is public and checks no CSRF
token, so a browser's session never makes it someone's: a cross-site text/plain POST from
a signed-in hall administrator's browser issues at most an anonymous kiosk ticket, and a
priority is refused; with a bearer token the hall administrator gives one."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from abonent.equeue.models import Ticket
from abonent.equeue.tests.conftest import Api, Clock, user

pytestmark = pytest.mark.django_db


def test_a_session_does_not_give_a_priority(client: Client, demo: None, clock: Clock) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(user("hall_admin"))
    body = {"office": "central", "service": "legal", "priority": "disability"}
    r = c.post("/api/v1/queue/tickets", data=json.dumps(body), content_type="text/plain")
    assert (r.status_code, r.json()["code"]) == (403, "priority_forbidden")
    assert Ticket.objects.count() == 0
    r = c.post(
        "/api/v1/queue/tickets",
        data=json.dumps({"office": "central", "service": "legal"}),
        content_type="text/plain",
    )
    assert r.status_code == 201
    assert Ticket.objects.get().issued_by is None


def test_a_token_does(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    body = {"office": "central", "service": "legal", "priority": "disability"}
    r = api_as("hall_admin").post("/tickets", body)
    assert (r.status_code, r.json()["priority"]) == (201, "disability")
    assert Ticket.objects.get().issued_by == user("hall_admin")
