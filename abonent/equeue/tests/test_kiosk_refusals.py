"""What the kiosk refuses, each on a friendly screen with the right status and nothing
stored (Q-2): a closed service (409, with when it opens), an unknown service or office
(404), too many taps from one client (429), an oversized body (413), a GET (405)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from abonent.core.models import AuditEntry, Office
from abonent.equeue.models import KioskIssue, Ticket, TicketCounter
from abonent.equeue.tests.conftest import ASTANA, Clock
from abonent.equeue.tests.kiosk_helpers import screen_token, tap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_taps() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def nothing_stored() -> bool:
    return (
        Ticket.objects.count(),
        KioskIssue.objects.count(),
        TicketCounter.objects.count(),
        AuditEntry.objects.filter(action__startswith="ticket.").count(),
    ) == (0, 0, 0, 0)


def test_a_closed_service_issues_nothing_and_says_when_it_opens(
    client: Client, demo: None, clock: Clock
) -> None:
    token = screen_token(client, "central")
    clock.at = datetime(2026, 11, 24, 14, 0, tzinfo=ASTANA)  # contracts: 09:00-13:00
    response = tap(client, "central", "contracts", token)

    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-code="closed"' in body
    assert '<p class="opens">' in body and "09:00" in body
    assert 'data-return-url="/queue/central/kiosk/?idle=1"' in body
    assert nothing_stored()


def test_a_closed_office_issues_nothing(client: Client, demo: None, clock: Clock) -> None:
    clock.at = datetime(2026, 11, 24, 20, 0, tzinfo=ASTANA)
    response = tap(client, "sc1", "household", "t" * 32)

    assert response.status_code == 409
    assert nothing_stored()


def test_an_unknown_service_is_a_404_screen(client: Client, demo: None, clock: Clock) -> None:
    response = tap(client, "sc1", "no-such-service", screen_token(client, "sc1"))

    assert response.status_code == 404
    assert 'data-code="not_found"' in response.content.decode()
    assert nothing_stored()


def test_an_unknown_office_is_a_404_screen(client: Client, demo: None, clock: Clock) -> None:
    response = tap(client, "nowhere", "household", "t" * 32)

    assert response.status_code == 404
    assert nothing_stored()


@override_settings(
    ABONENT_RATE_LIMITS=True, ABONENT_RATE_LIMIT_OVERRIDES={"queue-kiosk": (2, 3600)}
)
def test_too_many_taps_from_one_client_are_a_429_screen(
    client: Client, demo: None, clock: Clock
) -> None:
    assert tap(client, "sc1", "household", "a" * 32).status_code == 302
    assert tap(client, "sc1", "household", "b" * 32).status_code == 302
    response = tap(client, "sc1", "household", "c" * 32)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'data-code="rate_limited"' in response.content.decode()
    assert list(Ticket.objects.values_list("number", flat=True)) == ["A001", "A002"]


def test_an_oversized_body_is_refused(client: Client, demo: None, clock: Clock) -> None:
    response = client.post(
        "/queue/sc1/kiosk/take/",
        {"service": "household", "token": "a" * 32, "padding": "x" * 5000},
    )

    assert response.status_code == 413
    assert nothing_stored()


def test_taking_a_ticket_needs_a_post(client: Client, demo: None, clock: Clock) -> None:
    assert client.get("/queue/sc1/kiosk/take/?service=household").status_code == 405
    assert nothing_stored()


def test_a_post_without_the_csrf_token_is_refused(demo: None, clock: Clock) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = tap(strict, "sc1", "household", "a" * 32)

    assert response.status_code == 403
    assert nothing_stored()


def test_an_office_without_queue_equipment_issues_nothing(
    client: Client, demo: None, clock: Clock
) -> None:
    Office.objects.filter(code="sc1").update(has_queue=False)

    start = client.get("/queue/sc1/kiosk/").content.decode()
    assert 'name="service"' not in start
    assert 'href="/queue/sc1/kiosk/info/"' in start  # the stand is still there
    response = tap(client, "sc1", "household", "a" * 32)
    assert response.status_code == 422
    assert 'data-code="service_inactive"' in response.content.decode()
    assert nothing_stored()
