"""#5 done-when, in headless Chromium on the real ASGI application: a consumer takes a
ticket at the kiosk, the operator at window 1 calls it from the console, and the hall's
display board — open all along — shows "ticket → window 1" without a reload (Q-2, Q-4)."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Clock, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_ticket_called_at_the_window_appears_on_the_board(
    demo: None, clock: Clock, asgi_server: str, page: Any
) -> None:
    from playwright.sync_api import expect

    board = page
    board.goto(asgi_server + "/queue/sc1/board/")
    expect(board.locator("body")).to_have_attribute("data-transport", "sse")
    expect(board.locator("#board-nobody")).to_be_visible()
    board.evaluate("window.__reloaded = false")  # gone if the page reloads

    browser = board.context.browser
    kiosk_context = browser.new_context(locale="kk-KZ")
    kiosk = kiosk_context.new_page()
    kiosk.add_init_script("window.print = () => {};")  # the kiosk prints silently
    kiosk.goto(asgi_server + "/queue/sc1/kiosk/")
    kiosk.locator('button[data-service="household"]').click()
    kiosk.wait_for_url(asgi_server + "/queue/sc1/kiosk/ticket/*/")
    ticket = Ticket.objects.get()
    expect(kiosk.locator("#ticket-number")).to_have_text(ticket.number)
    expect(board.locator("#board-waiting")).to_have_text("1")

    operator_context = browser.new_context(locale="ru-RU")
    console = operator_context.new_page()
    console.goto(asgi_server + "/staff/login/?next=/staff/queue/window/")
    console.locator("#id_username").fill("operator")
    console.locator("#id_password").fill("demo")
    console.locator("main form button[type=submit]").click()
    console.wait_for_url(f"{asgi_server}/staff/queue/window/{window('sc1', 1).pk}/")
    console.locator("form[action$='/call/'] button").click()
    expect(console.locator(".eq-number")).to_have_text(ticket.number)

    row = board.locator("#board-big .call").first
    expect(row).to_have_attribute("data-number", ticket.number)
    expect(row.locator(".call-window")).to_have_text("1")
    expect(board.locator("#board-waiting")).to_have_text("0")
    assert board.evaluate("window.__reloaded") is False
    assert board.locator("body").get_attribute("data-transport") == "sse"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.window_id) == (Status.CALLED, window("sc1", 1).pk)
    kiosk_context.close()
    operator_context.close()
