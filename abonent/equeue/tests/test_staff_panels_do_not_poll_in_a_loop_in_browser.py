"""Issue #5 review, 1 (Q-3, Q-4) in headless Chromium: the console's and the hall's panels
refresh every 10 s and on ``queue-changed`` — not in a loop (a swapped-in panel carried
the ``load`` trigger and fired again at once: ~50 requests in 4 s)."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.equeue.tests.conftest import Clock, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str, target: str) -> None:
    page.goto(f"{base}/staff/login/?next={target}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}{target}")


def count_parts(page: Any, seconds: float, change: bool = False) -> dict[str, int]:
    """The fragments asked for in ``seconds``; after a ``queue-changed`` when ``change``."""
    seen: list[str] = []

    def on_request(r: Any) -> None:
        if "/part/" in r.url:
            seen.append(r.url.split("/part/")[1].split("/")[0])

    page.on("request", on_request)
    if change:
        page.evaluate("document.body.dispatchEvent(new CustomEvent('queue-changed'))")
    page.wait_for_timeout(seconds * 1000)
    page.remove_listener("request", on_request)
    return {k: seen.count(k) for k in set(seen)}


def test_console_and_hall_panels_refresh_once_per_change(
    demo: None, clock: Clock, live_server: Any, page: Any
) -> None:
    console = f"/staff/queue/window/{window('sc1', 1).pk}/"
    log_in(page, live_server.url, "operator", console)
    # Nothing changes: at most the 10-second tick in 4 s (the board is polled meanwhile).
    assert max(count_parts(page, 4).values(), default=0) <= 1
    # One change: each panel asks once.
    parts = count_parts(page, 2, change=True)
    assert {k: parts.get(k, 0) for k in ("current", "queues", "log")} == {
        "current": 1,
        "queues": 1,
        "log": 1,
    }

    page.context.clear_cookies()
    log_in(page, live_server.url, "hall_admin", "/staff/queue/hall/")
    assert max(count_parts(page, 4).values(), default=0) <= 1
    parts = count_parts(page, 2, change=True)
    assert {k: parts.get(k, 0) for k in ("queues", "windows", "disputes")} == {
        "queues": 1,
        "windows": 1,
        "disputes": 1,
    }
