"""A tap at the kiosk takes exactly one ticket and shows it (Q-2): number, service, place
in line and the estimated wait; the same screen token sent again issues nothing new."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.equeue.models import KioskIssue, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Clock
from abonent.equeue.tests.kiosk_helpers import screen_token, tap, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_taps() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_a_tap_takes_one_ticket_and_shows_its_number_and_place(
    client: Client, demo: None, clock: Clock
) -> None:
    token = screen_token(client, "sc1")
    response = tap(client, "sc1", "household", token)

    assert response.status_code == 302
    assert response["Location"] == f"/queue/sc1/kiosk/ticket/{token}/"
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.service.code, ticket.status, ticket.issued_by) == (
        "A001",
        "household",
        Status.WAITING,
        None,
    )
    assert list(TicketEvent.objects.values_list("action", flat=True)) == ["issued"]
    assert AuditEntry.objects.filter(action="ticket.issued").count() == 1

    screen = client.get(response["Location"])
    assert screen.status_code == 200
    assert text_of(screen, "ticket-number") == "A001"
    assert text_of(screen, "position") == "1"
    body = screen.content.decode()
    assert "Консультации, договоры, документы" in body
    assert "Сервис-центр № 1" in body
    assert "24.11.2026 10:00" in body
    assert 'data-print-once="' + token + '"' in body
    assert 'data-return-after="15"' in body
    assert 'data-return-url="/queue/sc1/kiosk/?idle=1"' in body


def test_the_second_ticket_is_second_in_line_with_an_estimated_wait(
    client: Client, demo: None, clock: Clock
) -> None:
    tap(client, "sc1", "household", screen_token(client, "sc1"))
    clock.tick(minutes=1)
    second = screen_token(client, "sc1")
    screen = client.get(tap(client, "sc1", "household", second)["Location"])

    assert text_of(screen, "ticket-number") == "A002"
    assert text_of(screen, "position") == "2"
    # One ahead × 5 minutes (no history yet) ÷ 2 windows serving the service, rounded up.
    assert 'id="wait" data-minutes="3"' in screen.content.decode()


def test_the_same_token_sent_again_shows_the_same_ticket_and_issues_nothing(
    client: Client, demo: None, clock: Clock
) -> None:
    token = screen_token(client, "sc1")
    first = tap(client, "sc1", "household", token)
    again = tap(client, "sc1", "household", token)
    other_button = tap(client, "sc1", "billing", token)  # a double tap on two buttons

    assert first["Location"] == again["Location"] == other_button["Location"]
    assert Ticket.objects.count() == 1
    assert KioskIssue.objects.count() == 1
    assert TicketEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="ticket.issued").count() == 1


def test_the_ticket_screen_is_never_cached(client: Client, demo: None, clock: Clock) -> None:
    token = screen_token(client, "sc1")
    screen = client.get(tap(client, "sc1", "billing", token)["Location"])

    assert "no-store" in screen["Cache-Control"]
    assert "no-cache" in screen["Cache-Control"]


def test_a_ticket_screen_of_another_office_or_token_is_not_found(
    client: Client, demo: None, clock: Clock
) -> None:
    token = screen_token(client, "sc1")
    tap(client, "sc1", "household", token)

    assert client.get(f"/queue/sc2/kiosk/ticket/{token}/").status_code == 404
    assert client.get("/queue/sc1/kiosk/ticket/" + "x" * 32 + "/").status_code == 404


def test_a_called_ticket_shows_no_place_in_line(client: Client, demo: None, clock: Clock) -> None:
    token = screen_token(client, "sc1")
    location = tap(client, "sc1", "household", token)["Location"]
    Ticket.objects.update(status=Status.CALLED)

    body = client.get(location).content.decode()
    assert 'id="position"' not in body
    assert 'id="ticket-number">A001<' in body
