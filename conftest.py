"""Shared fixtures: the demo organisation, staff personas and API clients."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from abonent.appeals.demo import load_topics
from abonent.core.demo import load_demo
from abonent.core.services import issue_api_token


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs ~0.5 s per password: tests need the behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_snapshots() -> Iterator[None]:
    """A test's rolled-back rows must not outlive it in a per-process snapshot."""
    from abonent.appeals import notices
    from abonent.core.lib.snapshot import Snapshot

    Snapshot.clear_all()
    notices._RECEIPTS_RUN_AT[0] = 0.0  # no receipt task "ahead" from an earlier test
    yield
    Snapshot.clear_all()


class RateClock:
    """The rate limiters' clock in tests (``core/lib/ratelimit.py``, the visits check's
    global count): the wall clock's pace, but shifted so that a test starts one second into
    a day of UTC, and so into a minute and an hour too. The limiters count in fixed windows
    of the wall clock; a test's burst of requests that crossed the turn of a minute was
    counted in two windows and got no 429 (seen in CI). Tests that take longer cross a
    window as the server does."""

    def __init__(self) -> None:
        import time

        self._time = time.time
        now = self._time()
        self.offset = (now // 86400 + 1) * 86400 + 1 - now

    def time(self) -> float:
        return self._time() + self.offset


@pytest.fixture(autouse=True)
def rate_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[RateClock]:
    """Every test with its own rate-limit counters, on the ``RateClock``."""
    from django.core.cache import cache

    from abonent.core.lib import ratelimit
    from abonent.visits import verification

    clock = RateClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    monkeypatch.setattr(verification, "time", clock)
    cache.clear()
    yield clock
    cache.clear()


@pytest.fixture
def lane_pool_closed() -> Iterator[None]:
    """The lanes' connection pool closed after the test (core/tests/lanes.py)."""
    yield
    from abonent.core.lane import POOL

    asyncio.run(POOL.close())


@pytest.fixture
def demo(db: None) -> None:
    load_demo()
    load_topics()


@pytest.fixture
def token_for(db: None) -> Callable[[str], str]:
    def make(username: str) -> str:
        user = get_user_model().objects.get(username=username)
        return issue_api_token(user=user, name="test")

    return make


@pytest.fixture
def api(client: Client) -> Client:
    return client


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("ABONENT_BROWSER_TESTS") == "required":
            pytest.fail("Chromium is required for page tests (Debian package 'chromium').")
        pytest.skip("Debian's chromium is not installed")
    return path


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _smtp_mailer(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(MAILERS=_smtp_mailer(port)):
            yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def page(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="ru-RU")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        yield page
        browser.close()
