"""The staff pages refresh their fragments live (``queue-changed`` or every 10 s). A fragment
that holds forms answers 204 while what it shows is unchanged, so htmx keeps it — and what
the employee is typing in it; it answers with the new fragment once something changed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def refresh_url(page: str, fragment_id: str) -> str:
    m = re.search(rf'id="{fragment_id}"[^>]*?hx-get="([^"]+)"', page, re.S)
    assert m is not None
    return m.group(1).replace("&amp;", "&")


def test_the_current_ticket_fragment_is_kept_until_the_ticket_changes(
    client: Client, demo: None, clock: Clock
) -> None:
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    op = user("operator")
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    client.force_login(op)
    page = client.get(f"/staff/queue/window/{window('sc1', 1).pk}/").content.decode()
    url = refresh_url(page, "c-current")
    assert 'hx-trigger="every 10s, queue-changed from:body"' in page
    assert client.get(url).status_code == 204
    services.start_ticket(ticket_id=t.pk, actor=op)
    r = client.get(url)
    assert r.status_code == 200
    assert "/finish/" in r.content.decode()


def test_the_no_show_button_is_enabled_by_the_refresh_after_the_grace(
    client: Client, demo: None, clock: Clock
) -> None:
    services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    op = user("operator")
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    client.force_login(op)
    page = client.get(f"/staff/queue/window/{window('sc1', 1).pk}/").content.decode()
    assert "data-countdown=" in page
    url = refresh_url(page, "c-current")
    clock.tick(seconds=services.no_show_grace().total_seconds())
    r = client.get(url)
    assert r.status_code == 200
    assert "data-countdown=" not in r.content.decode()


def test_the_disputes_fragment_is_kept_until_the_open_disputes_change(
    client: Client, demo: None, clock: Clock
) -> None:
    client.force_login(user("admin"))
    page = client.get("/staff/queue/hall/?office=sc1").content.decode()
    url = refresh_url(page, "h-disputes")
    assert client.get(url).status_code == 204
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    op = user("operator")
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.transfer_ticket(ticket_id=t.pk, to_service="billing", reason="Debt", actor=op)
    services.open_dispute(ticket_id=t.pk, reason="Wrong desk", actor=op)
    r = client.get(url)
    assert r.status_code == 200
    assert "Wrong desk" in r.content.decode()
