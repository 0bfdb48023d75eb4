"""The console and the hall cost a fixed number of queries, however many tickets wait."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def fill(n: int) -> None:
    for i in range(n):
        services.issue_ticket(
            office_code="sc1", service_code="household" if i % 2 else "billing", actor=None
        )


@pytest.mark.parametrize("tickets", [2, 30])
def test_console_queries_are_capped(
    client: Client, demo: None, clock: Clock, django_assert_max_num_queries: Any, tickets: int
) -> None:
    fill(tickets)
    op = user("operator")
    called = services.call_next_ticket(window=window("sc1", 1), actor=op)
    assert called is not None
    services.start_ticket(ticket_id=called.pk, actor=op)
    client.force_login(op)
    path = f"/staff/queue/window/{window('sc1', 1).pk}/"
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200
    for part in ["queues", "current", "log"]:
        with django_assert_max_num_queries(20):
            assert client.get(f"{path}part/{part}/").status_code == 200


@pytest.mark.parametrize("tickets", [2, 30])
def test_hall_queries_are_capped(
    client: Client, demo: None, clock: Clock, django_assert_max_num_queries: Any, tickets: int
) -> None:
    fill(tickets)
    services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    client.force_login(user("admin"))
    with django_assert_max_num_queries(20):
        assert client.get("/staff/queue/hall/?office=sc1").status_code == 200
    for part in ["queues", "windows", "disputes"]:
        with django_assert_max_num_queries(20):
            assert client.get(f"/staff/queue/hall/part/{part}/?office=sc1").status_code == 200
