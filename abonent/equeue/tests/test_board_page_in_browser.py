"""Q-4 in headless Chromium: the display board is open, a ticket is issued and called, and
the board shows "ticket → window" without a reload —

* on the real ASGI application under uvicorn (what `make serve` runs), over the SSE stream
  (the page reports data-transport="sse"), announcing the call once;
* on Django's live_server, which is WSGI: there the stream answers 503 at once (a WSGI
  server cannot hold an endless response), so the page polls the JSON board
  (data-transport="polling") — the fallback path;
* when the stream is cut the page falls back to polling, and returns to the stream (and
  stops polling) when it is back.
"""

from __future__ import annotations

from typing import Any

import pytest

from abonent.equeue import services
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _issue_and_call(number: int = 1) -> str:
    services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    t = services.call_next_ticket(window=window("sc1", number), actor=user("admin"))
    assert t is not None
    return t.number


def _csp_errors(page: Any) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e]


def test_q4_the_board_shows_a_call_live_over_the_stream(
    demo: None, clock: Clock, asgi_server: str, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(asgi_server + "/queue/sc1/board/")
    expect(page.locator("body")).to_have_attribute("data-transport", "sse")
    expect(page.locator("#board-nobody")).to_be_visible()
    expect(page.locator(".board-link-text")).to_have_attribute("data-state", "sse")
    page.evaluate("window.__reloaded = false")  # gone if the page reloads

    number = _issue_and_call(2)
    row = page.locator("#board-big .call").first
    expect(row).to_have_attribute("data-number", number)
    expect(row.locator(".call-window")).to_have_text("2")
    expect(row).to_have_class("call fresh")
    expect(page.locator("#board-announce")).to_have_text("Талон А 0 0 1, окно 2")
    expect(page.locator("body")).to_have_attribute("data-announced", "1")
    expect(page.locator("#board-waiting")).to_have_text("0")

    # A second call: one more announcement; the first is not announced again.
    clock.tick(seconds=30)
    second = _issue_and_call(1)
    expect(page.locator("#board-big .call").first).to_have_attribute("data-number", second)
    expect(page.locator("#board-announce")).to_have_text("Талон А 0 0 2, окно 1")
    expect(page.locator("body")).to_have_attribute("data-announced", "2")
    assert page.evaluate("window.__reloaded") is False
    assert page.locator("body").get_attribute("data-transport") == "sse"
    assert not _csp_errors(page)


def test_q4_on_a_wsgi_server_the_board_polls_the_json_board(
    demo: None, clock: Clock, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/queue/sc1/board/")
    expect(page.locator("body")).to_have_attribute("data-transport", "polling")
    expect(page.locator(".board-link-text")).to_have_attribute("data-state", "polling")
    page.evaluate("window.__reloaded = false")
    number = _issue_and_call(1)
    row = page.locator("#board-big .call").first
    expect(row).to_have_attribute("data-number", number, timeout=15000)
    expect(row.locator(".call-window")).to_have_text("1")
    expect(page.locator("#board-announce")).to_have_text("Талон А 0 0 1, окно 1")
    assert page.evaluate("window.__reloaded") is False
    assert not _csp_errors(page)


def test_q4_when_the_stream_is_cut_the_board_polls_and_then_returns_to_the_stream(
    demo: None, clock: Clock, asgi_server: str, page: Any
) -> None:
    from playwright.sync_api import expect

    polls: list[str] = []
    page.on(
        "request",
        lambda r: (
            polls.append(r.url) if r.url.endswith("/api/v1/queue/offices/sc1/board") else None
        ),
    )
    page.route("**/board/stream", lambda route: route.abort())
    page.goto(asgi_server + "/queue/sc1/board/")
    expect(page.locator("body")).to_have_attribute("data-transport", "polling")
    number = _issue_and_call(1)
    expect(page.locator("#board-big .call").first).to_have_attribute(
        "data-number", number, timeout=15000
    )
    assert polls  # shown through the JSON board

    page.unroute("**/board/stream")
    expect(page.locator("body")).to_have_attribute("data-transport", "sse", timeout=15000)
    polled = len(polls)
    clock.tick(seconds=30)
    second = _issue_and_call(2)
    expect(page.locator("#board-big .call").first).to_have_attribute("data-number", second)
    page.wait_for_timeout(5000)  # longer than a polling interval
    assert len(polls) == polled  # polling stopped once the stream was back
    assert page.locator("body").get_attribute("data-transport") == "sse"
