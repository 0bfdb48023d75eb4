"""Q-4 under load: 20 windows of one service press call-next at once, each in its own
thread and database connection. SKIP LOCKED must give every ticket to exactly one window."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from abonent.core.errors import DomainError
from abonent.core.models import Office, Service, Window
from abonent.equeue import services
from abonent.equeue.models import Action, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Clock, user

THREADS = 20
TICKETS = 120

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_q4_twenty_windows_never_get_the_same_ticket(demo: None, clock: Clock) -> None:
    office = Office.objects.get(code="sc1")
    service = Service.objects.get(office=office, code="household")
    windows = []
    for n in range(1, THREADS + 1):
        w = Window.objects.create(office=office, number=100 + n)
        w.services.set([service])
        windows.append(w)
    for _ in range(TICKETS):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    admin = user("admin")
    barrier = threading.Barrier(THREADS)
    called: list[list[int]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            while True:
                t = services.call_next_ticket(window=windows[i], actor=admin)
                if t is None:
                    return
                called[i].append(t.pk)
                services.start_ticket(ticket_id=t.pk, actor=admin)
                services.finish_ticket(ticket_id=t.pk, actor=admin)
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    flat = [pk for per in called for pk in per]
    assert len(flat) == TICKETS
    assert len(set(flat)) == TICKETS
    assert sum(1 for per in called if per) > 1  # the work was really shared
    per_ticket = Counter(
        TicketEvent.objects.filter(action=Action.CALLED).values_list("ticket_id", flat=True)
    )
    assert set(per_ticket.values()) == {1} and len(per_ticket) == TICKETS
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.DONE}


def test_q4_a_double_click_at_one_window_calls_one_consumer(demo: None, clock: Clock) -> None:
    for _ in range(5):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    w1 = Window.objects.get(office__code="sc1", number=1)
    op = user("operator")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def press() -> None:
        try:
            barrier.wait()
            results.append(services.call_next_ticket(window=w1, actor=op))
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert sorted(r if isinstance(r, str) else "ticket" for r in results) == [
        "ticket",
        "window_busy",
    ]
    assert Ticket.objects.filter(status=Status.CALLED).count() == 1
