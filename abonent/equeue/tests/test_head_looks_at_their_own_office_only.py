"""Issue #5 review, 6: the head sees the hall of their own office only — the statistics'
rule (``services.may_view_office``) — through the API and the pages, ticket histories
included; and the head only looks: issuing a ticket from the hall page is 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.models import Ticket
from abonent.equeue.tests.conftest import Api, Clock, user

pytestmark = pytest.mark.django_db


def test_the_api_gives_the_head_their_own_hall_only(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    head = api_as("head")  # of sc1
    assert head.get("/offices/sc1/hall").status_code == 200
    r = head.get("/offices/sc2/hall")
    assert (r.status_code, r.json()["code"]) == (403, "not_your_office")
    assert api_as("admin").get("/offices/sc2/hall").status_code == 200


def test_ticket_history_of_another_office_is_403(client: Client, demo: None, clock: Clock) -> None:
    own = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    other = services.issue_ticket(office_code="sc2", service_code="household", actor=None).ticket
    client.force_login(user("head"))
    assert client.get(f"/staff/queue/hall/tickets/{own.pk}/").status_code == 200
    assert client.get(f"/staff/queue/hall/tickets/{other.pk}/").status_code == 403
    assert client.get(f"/staff/queue/hall/tickets/{other.pk}/print/").status_code == 403


def test_the_head_cannot_issue_from_the_hall_page(client: Client, demo: None, clock: Clock) -> None:
    client.force_login(user("head"))
    r = client.post("/staff/queue/hall/issue/", {"service": "household"})
    assert r.status_code == 403
    assert Ticket.objects.count() == 0
