"""Issue #5 review, 7 (Q-4) in headless Chromium on the ASGI application: the stream sends
a named ``ping`` the page sees; a stream silent past the watchdog (a half-open connection:
no error ever comes) is closed, the JSON board is polled and a new stream opened — while a
pinging stream is left alone. The watchdog (40 s) is shortened for the test."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.equeue import board
from abonent.equeue.tests.conftest import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STREAM = "/api/v1/queue/offices/sc1/board/stream"
POLL = "/api/v1/queue/offices/sc1/board"


def watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append("stream" if r.url.endswith(STREAM) else "poll")
            if r.url.endswith((STREAM, POLL))
            else None
        ),
    )
    page.add_init_script("window.ABONENT_LIVE_WATCHDOG_MS = 2000;")
    return seen


def test_a_silent_stream_is_reopened(
    demo: None, clock: Clock, asgi_server: str, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(board, "PING_SECONDS", 3600.0)  # the connection "hangs"
    seen = watch(page)
    page.goto(f"{asgi_server}/queue/sc1/board/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-transport", "sse")
    expect(body).to_have_attribute("data-transport", "polling", timeout=10000)
    expect(body).to_have_attribute("data-transport", "sse", timeout=10000)
    assert seen.count("stream") >= 2 and seen.count("poll") >= 1
    assert seen[0] == "stream"


def test_a_pinging_stream_is_kept(
    demo: None, clock: Clock, asgi_server: str, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(board, "PING_SECONDS", 0.5)
    seen = watch(page)
    page.goto(f"{asgi_server}/queue/sc1/board/")
    expect(page.locator("body")).to_have_attribute("data-transport", "sse")
    pings = page.evaluate(
        """() => new Promise((resolve) => {
            let n = 0;
            document.body.addEventListener("queue-alive", () => { n += 1; });
            setTimeout(() => resolve(n), 5000);
        })"""
    )
    assert pings >= 4
    assert (seen, page.evaluate("document.body.dataset.transport")) == (["stream"], "sse")
