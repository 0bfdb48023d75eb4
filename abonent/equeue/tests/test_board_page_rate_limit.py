"""Issue #5 review, 8 (Q-4): over its rate limit the board page answers 429 with
Retry-After and a page that reloads itself — never a 500; the limit leaves room for
several TVs behind one address (600 a minute)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client, override_settings

from abonent.core.lib import ratelimit
from abonent.equeue.tests.conftest import Clock
from abonent.equeue.views.board import PAGE_LIMIT


@pytest.fixture(autouse=True)
def _clock_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    # The root conftest's ``rate_clock`` gives every test its own counters; here the
    # limiter's clock stands still, 30 seconds into a minute (the Retry-After below).
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_795_000_050.0))


def test_over_the_limit_is_a_429_page(client: Client, demo: None, clock: Clock) -> None:
    client.raise_request_exception = False
    with override_settings(ABONENT_RATE_LIMIT_OVERRIDES={"queue-board-page": (3, 60)}):
        codes = [client.get("/queue/sc1/board/").status_code for _ in range(4)]
        r = client.get("/queue/sc1/board/")
    assert codes == [200, 200, 200, 429]
    assert r.status_code == 429
    retry = int(r["Retry-After"])
    assert retry == 30  # the rest of the window
    body = r.content.decode()
    assert f'<meta http-equiv="refresh" content="{retry}">' in body
    assert r["Content-Type"].startswith("text/html")


def test_the_default_limit_is_generous() -> None:
    assert PAGE_LIMIT == 600
