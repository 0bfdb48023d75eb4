"""Q-4 in headless Chromium: the operator logs in, opens the console, calls the ticket
issued at the kiosk, starts and finishes serving — through htmx, without a page reload."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Clock, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_q4_the_operator_calls_starts_and_finishes_in_the_browser(
    demo: None, clock: Clock, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    console = f"{live_server.url}/staff/queue/window/{window('sc1', 1).pk}/"
    page.goto(live_server.url + "/staff/login/?next=/staff/queue/window/")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill("demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(console)
    expect(page.locator("#c-queues")).to_contain_text("1")

    page.locator("form[action$='/call/'] button").click()
    expect(page.locator(".eq-number")).to_have_text(t.number)
    page.locator("form[action$='/start/'] button").click()
    expect(page.locator("form[action$='/finish/'] button")).to_be_visible()
    t.refresh_from_db()
    assert t.status == Status.SERVING
    clock.tick(minutes=3)
    page.locator("form[action$='/finish/'] button").click()
    expect(page.locator("form[action$='/call/'] button")).to_be_visible()
    expect(page.locator("#c-log")).to_contain_text(t.number)
    t = Ticket.objects.get(pk=t.pk)
    assert (t.status, t.window_id) == (Status.DONE, window("sc1", 1).pk)
    assert page.url == console  # all of it through htmx, no reload
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
