"""The kiosk's start screen (Q-2): the office's services with their open state; a closed
service says when it opens next and offers nothing to tap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from abonent.equeue.tests.conftest import ASTANA, Clock
from abonent.equeue.tests.kiosk_helpers import STATE_RE, TOKEN_RE, screen_token, tap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_taps() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def states(response: Any) -> list[tuple[str, str]]:
    return STATE_RE.findall(response.content.decode())


def test_it_lists_the_services_of_the_office_with_their_open_state(
    client: Client, demo: None, clock: Clock
) -> None:
    clock.at = datetime(2026, 11, 24, 14, 0, tzinfo=ASTANA)  # Tuesday: contracts close at 13
    response = client.get("/queue/central/kiosk/")

    assert response.status_code == 200
    assert states(response) == [("legal", "open"), ("contracts", "closed"), ("cash", "open")]
    body = response.content.decode()
    # Only the open services are forms that take a ticket.
    assert body.count('action="/queue/central/kiosk/take/"') == 2
    assert 'name="service" value="contracts"' not in body
    # When the closed one opens: Wednesday 09:00, Astana time.
    assert body.count("09:00") == 1
    assert '<html lang="ru"' in body
    assert "<title>" in body and "Центральный офис</title>" in body


def test_every_tap_target_is_a_form_with_csrf_and_one_screen_token(
    client: Client, demo: None, clock: Clock
) -> None:
    response = client.get("/queue/sc1/kiosk/")
    body = response.content.decode()

    assert states(response) == [("household", "open"), ("billing", "open")]
    assert body.count('name="csrfmiddlewaretoken"') >= 2
    tokens = set(TOKEN_RE.findall(body))
    assert len(tokens) == 1


def test_a_new_screen_gets_a_new_token(client: Client, demo: None, clock: Clock) -> None:
    assert screen_token(client, "sc1") != screen_token(client, "sc1")


def test_the_start_screen_is_never_cached(client: Client, demo: None, clock: Clock) -> None:
    response = client.get("/queue/sc1/kiosk/")

    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_office_is_a_404_screen(client: Client, demo: None, clock: Clock) -> None:
    response = client.get("/queue/nowhere/kiosk/")

    assert response.status_code == 404
    assert 'data-code="not_found"' in response.content.decode()


def test_the_start_screen_reads_a_fixed_number_of_queries(
    client: Client, demo: None, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):  # waiting tickets are counted in one query, whatever their number
        tap(client, "central", "legal", f"token-{n}-" + "x" * 16)
        tap(client, "central", "cash", f"token-{n}-" + "y" * 16)
    client.get("/queue/central/kiosk/")  # the calendar snapshot is read once per process
    # office, services, schedules, their exceptions, waiting counts
    with django_assert_max_num_queries(5):
        response = client.get("/queue/central/kiosk/")
    assert response.status_code == 200


def test_a_closed_service_names_the_day_it_opens_in_russian(
    client: Client, demo: None, clock: Clock
) -> None:
    clock.at = datetime(2026, 11, 21, 14, 0, tzinfo=ASTANA)  # Saturday after 13:00
    body = client.get("/queue/sc1/kiosk/").content.decode()

    assert body.count("понедельник, 23 ноября") == 2
    assert body.count('data-state="closed"') == 2
    assert 'name="service"' not in body
