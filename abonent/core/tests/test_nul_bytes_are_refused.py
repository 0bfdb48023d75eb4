"""Issue #5 review, 3: a NUL character never reaches the database (PostgreSQL text cannot
hold it: DataError, a 500). ``abonent.core.middleware.RejectNulMiddleware`` refuses any
request with one in its path, query string, form fields or JSON body: 400 with
``{"code": "invalid_characters"}`` under /api/, an HTML 400 page elsewhere. Run on SQLite
and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from abonent.appeals.models import Appeal
from abonent.equeue import services
from abonent.equeue.hall import last_step
from abonent.equeue.models import Ticket, TicketEvent
from abonent.equeue.tests.conftest import TUESDAY_10, Clock, user, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The queue's clock on a working Tuesday, 10:00 (as abonent/equeue/tests has it)."""
    c = Clock(TUESDAY_10)
    monkeypatch.setattr(services, "now", c)
    return c


@pytest.fixture
def c(client: Client, demo: None) -> Client:
    client.raise_request_exception = False
    return client


def api_refused(r: object) -> None:
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r.json()["code"] == "invalid_characters"  # type: ignore[attr-defined]


def page_refused(r: object) -> None:
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r["Content-Type"].startswith("text/html")  # type: ignore[index]
    assert 'data-code="invalid_characters"' in r.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "body",
    [
        '{"office": "sc1\\u0000", "service": "household"}',
        '{"office": "sc1", "service": "\\u0000"}',
        '{"office": "sc1", "service": "house\\U0000hold"}',
        '{"office": "sc1", "service": "household", "x": "\x00"}',
    ],
)
def test_the_public_ticket_endpoint_refuses_nul(c: Client, clock: Clock, body: str) -> None:
    api_refused(c.post("/api/v1/queue/tickets", data=body, content_type="application/json"))
    api_refused(c.post("/api/v1/queue/tickets", data=body, content_type="text/plain"))
    assert Ticket.objects.count() == 0


def test_an_escaped_backslash_before_u0000_is_not_a_nul(c: Client, clock: Clock) -> None:
    body = json.dumps({"office": "sc1", "service": "\\u0000"})  # the text \u0000
    r = c.post("/api/v1/queue/tickets", data=body, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_queue_query_strings_and_paths_refuse_nul(c: Client, clock: Clock) -> None:
    c.force_login(user("manager"))
    api_refused(c.get("/api/v1/queue/stats?office=%00"))
    page_refused(c.get("/staff/queue/stats/?office=%00"))
    page_refused(c.get("/queue/sc1/kiosk/ticket/%00abc/"))
    c.force_login(user("admin"))
    page_refused(c.get("/staff/queue/hall/?office=%00"))


def test_queue_forms_refuse_nul(c: Client, clock: Clock) -> None:
    page_refused(c.post("/queue/sc1/kiosk/take/", {"service": "\x00"}))
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    c.force_login(user("operator"))
    form = {"ticket": t.pk, "status": "called", "step": last_step(t.pk)}
    url = f"/staff/queue/window/{window('sc1', 1).pk}/redirect/"
    page_refused(c.post(url, {**form, "target": "s:billing", "comment": "a\x00b"}))
    page_refused(c.post(url, {**form, "target": "s:\x00", "comment": "ab"}))
    c.force_login(user("hall_admin"))
    page_refused(c.post("/staff/queue/hall/issue/", {"service": "\x00"}))
    t.refresh_from_db()
    assert (t.status, t.service.code, Ticket.objects.count()) == ("called", "household", 1)
    assert TicketEvent.objects.filter(action="transferred").count() == 0


def test_another_apps_endpoints_refuse_nul(c: Client, clock: Clock) -> None:
    r = c.post(
        "/api/v1/appeals",
        data='{"subject": "a\\u0000", "text": "b"}',
        content_type="application/json",
    )
    api_refused(r)
    api_refused(c.get("/api/v1/appeals/%00/status"))
    page_refused(c.get("/appeal-status/?number=%00"))
    page_refused(c.post("/appeal-status/", {"number": "1\x00", "code": "x"}))
    assert Appeal.objects.count() == 0


def test_requests_without_nul_pass(c: Client, clock: Clock) -> None:
    r = c.post(
        "/api/v1/queue/tickets",
        data='{"office": "sc1", "service": "household"}',
        content_type="application/json",
    )
    assert r.status_code == 201
    assert c.get("/appeal-status/?number=12").status_code == 200
