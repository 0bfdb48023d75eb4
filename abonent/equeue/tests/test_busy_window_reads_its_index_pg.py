"""Every press of call-next asks whether the window still serves someone (Q-4). A window
serves thousands of consumers a year: the question must read the window's one or two
active tickets (the partial index ``equeue_at_window``), also in the generic plan that
PostgreSQL reuses for a prepared statement, not every ticket the window ever served."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg.sql import Literal

from abonent.core.models import Office, Service, Window
from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Clock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def generic_plan(sql: str, window_id: int) -> dict[str, Any]:
    """The plan PostgreSQL reuses for ``sql`` (one parameter) as a prepared statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE busy_q AS {sql.replace('%s', '$1')}")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE busy_q({int(window_id)})")
            raw = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE busy_q")
    return dict((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])


def scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """Every scan of the plan: its kind and the index (or table) it reads."""
    here = [(plan["Node Type"], plan.get("Index Name") or plan.get("Relation Name", ""))]
    return here + [s for child in plan.get("Plans", []) for s in scans(child)]


def busy(window: Window) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(services._BUSY_SQL, [window.pk])
        return cursor.fetchone() is not None


def test_the_busy_window_check_reads_the_active_tickets_only(sc1: Office, clock: Clock) -> None:
    service = Service.objects.get(office=sc1, code="household")
    window = Window.objects.create(office=sc1, number=100)
    today = clock().date()
    served = [
        Ticket(
            office=sc1,
            service=service,
            day=today - timedelta(days=1 + n // 100),
            seq=n % 100,
            number=f"H{n % 100:03d}",
            status=Status.DONE,
            window=window,
            issued_at=clock() - timedelta(days=1 + n // 100),
        )
        for n in range(3000)
    ]
    Ticket.objects.bulk_create(served)
    assert not busy(window)
    called = Ticket.objects.create(
        office=sc1,
        service=service,
        day=today,
        seq=1,
        number="H001",
        status=Status.CALLED,
        window=window,
        issued_at=clock(),
    )
    assert busy(window)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Ticket._meta.db_table}")
    read = scans(generic_plan(services._BUSY_SQL, window.pk))
    assert ("Index Only Scan", "equeue_at_window") in read or (
        "Index Scan",
        "equeue_at_window",
    ) in read, read
    Ticket.objects.filter(pk=called.pk).update(status=Status.SERVING)
    assert busy(window)
    Ticket.objects.filter(pk=called.pk).update(status=Status.DONE)
    assert not busy(window)


def test_the_lanes_call_reads_the_queues_indexes_in_its_generic_plan(
    sc1: Office, clock: Clock
) -> None:
    """The call-next lane runs its statements with generic plans (planning its call
    statement anew on every press cost more than running it, #5). Those plans must read the
    waiting line, the window's active tickets and its last calls through their indexes,
    with a year of served tickets and steps in the tables."""
    from abonent.core.lib import bus
    from abonent.equeue import events, lane
    from abonent.equeue.models import Action, TicketEvent

    service = Service.objects.get(office=sc1, code="household")
    window = Window.objects.create(office=sc1, number=100)
    window.services.set([service])
    past = [
        Ticket(
            office=sc1,
            service=service,
            day=clock().date() - timedelta(days=1 + n // 100),
            seq=n % 100,
            number=f"H{n % 100:03d}",
            status=Status.DONE,
            window=window,
            issued_at=clock() - timedelta(days=1 + n // 100),
            called_at=clock() - timedelta(days=1 + n // 100),
        )
        for n in range(3000)
    ]
    Ticket.objects.bulk_create(past)
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=t, at=t.called_at, action=Action.CALLED, window=window) for t in past
    )
    values = lane._call_params(window.pk, clock())
    values += [bus.BUS_CHANNEL, "origin", *events.ticket_event_params(action="called", at=clock())]
    sql = lane._call_sql(True)
    params = {k: v for k, v in connection.get_connection_params().items() if k != "context"}
    numbered = iter(range(1, len(values) + 1))
    prepared = re.sub("%s", lambda _m: f"${next(numbered)}", sql)
    with psycopg.connect(**params) as conn:
        conn.execute(f"ANALYZE {Ticket._meta.db_table}, {TicketEvent._meta.db_table}")
        conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE call_q AS {prepared}")
        args = ", ".join(Literal(v).as_string(conn) for v in values)
        raw = conn.execute(f"EXPLAIN (FORMAT JSON) EXECUTE call_q({args})").fetchone()[0]  # type: ignore[index]
        conn.rollback()
    assert "$1" in json.dumps(raw)  # the generic plan: the values are its parameters
    read = scans(dict(raw[0]["Plan"]))
    names = {name for _kind, name in read}
    assert {"equeue_waiting_line", "equeue_at_window", "equeue_event_call_idx"} <= names, read
    tables = {Ticket._meta.db_table, TicketEvent._meta.db_table}
    assert not [s for s in read if s[0] == "Seq Scan" and s[1] in tables], read
