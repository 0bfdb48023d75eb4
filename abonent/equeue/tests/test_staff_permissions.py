"""Who may open the queue's staff pages: the console of a window — the employee seated
there or a superuser; the hall — hall administrators, heads, superusers; others get the
403 page. Refused posts change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def as_(client: Client, username: str) -> Client:
    client.force_login(user(username))
    return client


def test_anonymous_is_sent_to_the_login_form(client: Client, demo: None) -> None:
    for path in ["/staff/queue/window/", "/staff/queue/hall/"]:
        r = client.get(path)
        assert (r.status_code, r["Location"].split("?")[0]) == (302, "/staff/login/")


def test_console_home_redirects_the_seated_employee_to_their_window(
    client: Client, demo: None
) -> None:
    r = as_(client, "operator").get("/staff/queue/window/")
    assert (r.status_code, r["Location"]) == (302, f"/staff/queue/window/{window('sc1', 1).pk}/")


def test_console_home_lets_a_superuser_choose_any_window(client: Client, demo: None) -> None:
    r = as_(client, "admin").get("/staff/queue/window/")
    body = r.content.decode()
    assert r.status_code == 200
    assert f"/staff/queue/window/{window('sc3', 2).pk}/" in body
    assert f"/staff/queue/window/{window('central', 10).pk}/" in body


@pytest.mark.parametrize("username", ["hall_admin", "head", "clerk", "senior_operator"])
def test_console_home_is_403_for_who_has_no_window(
    client: Client, demo: None, username: str
) -> None:
    assert as_(client, username).get("/staff/queue/window/").status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [("operator", 200), ("admin", 200), ("cashier", 403), ("hall_admin", 403), ("head", 403)],
)
def test_console_of_sc1_window_1(client: Client, demo: None, username: str, status: int) -> None:
    path = f"/staff/queue/window/{window('sc1', 1).pk}/"
    assert as_(client, username).get(path).status_code == status
    assert as_(client, username).get(f"{path}part/queues/").status_code == status


def test_a_foreign_employee_cannot_call_at_my_window(
    client: Client, demo: None, clock: Clock
) -> None:
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    r = as_(client, "cashier").post(f"/staff/queue/window/{window('sc1', 1).pk}/call/")
    assert r.status_code == 403
    t.refresh_from_db()
    assert (t.status, t.window_id) == (Status.WAITING, None)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("hall_admin", 200),
        ("head", 200),
        ("admin", 200),
        ("operator", 403),
        ("clerk", 403),
        ("cc_operator", 403),
    ],
)
def test_hall_page(client: Client, demo: None, username: str, status: int) -> None:
    assert as_(client, username).get("/staff/queue/hall/").status_code == status


def test_the_hall_administrator_stays_in_their_office(client: Client, demo: None) -> None:
    body = as_(client, "hall_admin").get("/staff/queue/hall/?office=sc1").content.decode()
    assert "part/queues/?office=central" in body and "part/queues/?office=sc1" not in body


def test_the_head_looks_at_their_own_office_only(client: Client, demo: None, clock: Clock) -> None:
    """Issue #5 review, 6: the head (of sc1) sees the hall of their office — as in the
    statistics — and only looks."""
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    other = services.issue_ticket(office_code="sc2", service_code="household", actor=None).ticket
    c = as_(client, "head")
    body = c.get("/staff/queue/hall/?office=sc2").content.decode()
    assert "part/queues/?office=sc1" in body and "part/queues/?office=sc2" not in body
    assert t.number in body
    assert "Issue a ticket for a consumer" not in body
    assert c.get(f"/staff/queue/hall/tickets/{t.pk}/").status_code == 200
    assert c.get(f"/staff/queue/hall/tickets/{other.pk}/").status_code == 403
    r = c.post(
        f"/staff/queue/hall/tickets/{t.pk}/cancel/",
        {"ticket": t.pk, "status": "waiting", "reason": "x"},
    )
    assert r.status_code == 403
    r = c.post("/staff/queue/hall/issue/", {"service": "household"})
    assert r.status_code == 403
    t.refresh_from_db()
    assert t.status == Status.WAITING
    assert Ticket.objects.count() == 2


def test_a_hall_administrator_cannot_touch_another_offices_ticket(
    client: Client, demo: None, clock: Clock
) -> None:
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    c = as_(client, "hall_admin")
    assert c.get(f"/staff/queue/hall/tickets/{t.pk}/").status_code == 403
    r = c.post(
        f"/staff/queue/hall/tickets/{t.pk}/cancel/",
        {"ticket": t.pk, "status": "waiting", "reason": "x"},
    )
    assert r.status_code == 403
    assert Ticket.objects.get().status == Status.WAITING
