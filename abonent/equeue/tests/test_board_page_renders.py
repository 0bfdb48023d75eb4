"""Q-4 board page: /queue/<office>/board/ shows the calls (ticket → window), the waiting
count and the office's name in Russian and Kazakh, connects live.js to the office's stream
with the JSON board as its polling fallback, says "closed — opens at" outside hours, and
costs a fixed number of queries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def test_q4_the_board_page_shows_calls_waiting_and_both_languages(
    demo: None, clock: Clock, client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    services.call_next_ticket(window=window("sc1", 2), actor=user("admin"))
    with django_assert_max_num_queries(6):
        r = client.get("/queue/sc1/board/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="ru">' in html
    assert re.search(
        r'<li class="call" data-number="A001" data-window="2">\s*<span class="call-number">A001</span>'
        r'<span class="call-arrow" aria-hidden="true">→</span><span class="call-window">2</span>',
        html,
    )
    assert '<span class="board-waiting-count" id="board-waiting">2</span>' in html
    assert '<span lang="ru" class="bi-1">Сервис-центр № 1</span>' in html
    assert '<span lang="kk" class="bi-2">№ 1 сервис-орталығы</span>' in html
    assert (
        'data-stream="/api/v1/queue/offices/sc1/board/stream" '
        'data-poll="/api/v1/queue/offices/sc1/board" data-poll-seconds="4"'
    ) in html
    config = json.loads(
        re.search(r'<script id="board-config" type="application/json">(.*?)</script>', html)[1]  # type: ignore[index]
    )
    assert config["snapshot"]["calling"] == [
        {"number": "A001", "window": 2, "called_at": "2026-11-24T05:00:00Z"}
    ]
    assert config["speech"] == [
        {"lang": "ru", "text": "Талон %(number)s, окно %(window)s"},
        {"lang": "kk", "text": "%(number)s талон, %(window)s терезе"},
    ]
    assert 'id="board-closed" aria-live="polite" hidden' in html
    assert "no-cache" in r["Cache-Control"]


def test_q4_outside_hours_the_board_says_when_the_office_opens(
    demo: None, clock: Clock, client: Client
) -> None:
    clock.tick(hours=9)  # Tuesday 19:00
    html = client.get("/queue/sc1/board/").content.decode()
    assert '<body class="board is-closed"' in html
    assert '<span lang="ru" class="bi-1">Открывается 25.11 09:00</span>' in html
    assert '<span lang="kk" class="bi-2">25.11 09:00 ашылады</span>' in html


def test_q4_an_unknown_office_has_no_board_page(demo: None, client: Client) -> None:
    assert client.get("/queue/nowhere/board/").status_code == 404
