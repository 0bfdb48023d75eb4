"""Q-2 under a double tap that really races: several POSTs with one kiosk screen token at
the same moment, each in its own thread and database connection. Exactly one ticket is
issued, and every POST gets that ticket back."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.equeue.models import KioskIssue, Ticket, TicketCounter
from abonent.equeue.tests.conftest import Clock

THREADS = 6
TOKEN = "double-tap-" + "x" * 21

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _no_counted_taps() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_racing_posts_with_one_token_issue_one_ticket(demo: None, clock: Clock) -> None:
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def tap() -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                "/queue/sc1/kiosk/take/", {"service": "household", "token": TOKEN}
            )
            answers.append((response.status_code, response.get("Location", "")))
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    assert errors == []
    assert answers == [(302, f"/queue/sc1/kiosk/ticket/{TOKEN}/")] * THREADS
    assert list(Ticket.objects.values_list("number", flat=True)) == ["A001"]
    assert KioskIssue.objects.get().ticket.number == "A001"
    assert AuditEntry.objects.filter(action="ticket.issued").count() == 1
    # The losers' numbers rolled back with them: the next ticket is A002.
    assert TicketCounter.objects.get().last == 1
