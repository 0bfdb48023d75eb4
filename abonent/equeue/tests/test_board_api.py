"""Q-4: the board's data — today's calls with their windows, newest first, and how many
wait; public, ticket numbers only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abonent.equeue import services
from abonent.equeue.tests.conftest import Api, Clock, user, window

pytestmark = pytest.mark.django_db


def test_q4_the_board_shows_calls_with_windows_and_the_waiting_count(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    kiosk = api_as(None)
    for _ in range(3):
        assert kiosk.post("/tickets", {"office": "sc1", "service": "household"}).status_code == 201
    empty = kiosk.get("/offices/sc1/board").json()
    assert (empty["calling"], empty["waiting"]) == ([], 3)

    first = services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    assert first is not None
    clock.tick(seconds=30)
    second = services.call_next_ticket(window=window("sc1", 2), actor=user("admin"))
    assert second is not None
    with CaptureQueriesContext(connection) as q:
        body = kiosk.get("/offices/sc1/board").json()
    assert len(q.captured_queries) <= 3
    assert [(c["number"], c["window"]) for c in body["calling"]] == [
        (second.number, 2),
        (first.number, 1),
    ]
    assert body["waiting"] == 1
    assert set(body) == {
        "office",
        "calling",
        "waiting",
        "open_now",
        "next_open",
    }  # nothing about the consumers


def test_q4_an_unknown_office_has_no_board(api_as: Callable[[str | None], Api]) -> None:
    r = api_as(None).get("/offices/nowhere/board")
    assert r.status_code == 404
