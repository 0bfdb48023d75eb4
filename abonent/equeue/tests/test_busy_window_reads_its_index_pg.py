"""Every press of call-next asks whether the window still serves someone (Q-4). A window
serves thousands of consumers a year: the question must read the window's one or two
active tickets (the partial index ``equeue_at_window``), also in the generic plan that
PostgreSQL reuses for a prepared statement, not every ticket the window ever served."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from psycopg.sql import Literal

from abonent.core.models import Office, Service, StaffProfile, Window
from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import Clock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def generic_plan(
    sql: str, values: list[Any], *, analyze: bool = False, plans: dict[str, str] | None = None
) -> dict[str, Any]:
    """The plan PostgreSQL reuses for ``sql`` as a prepared statement with ``values`` (run,
    with its figures, when ``analyze``), on the test's own connection: it sees the test's
    rows. ``plans``: more planner settings for it (the call-next lane's ``PLANS``)."""
    numbered = iter(range(1, len(values) + 1))
    prepared = re.sub("%s", lambda _m: f"${next(numbered)}", sql)
    args = ", ".join(Literal(v).as_string(connection.connection) for v in values)
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for name, value in (plans or {}).items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(f"PREPARE plan_q AS {prepared}")
        try:
            cursor.execute(f"EXPLAIN ({options}) EXECUTE plan_q({args})")
            raw = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE plan_q")
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    assert "$1" in json.dumps(plan)  # the generic plan: the values are its parameters
    return dict(plan)


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
    read = scans(generic_plan(services._BUSY_SQL, [window.pk]))
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
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Ticket._meta.db_table}, {TicketEvent._meta.db_table}")
    read = scans(generic_plan(lane._call_sql(True), values))
    names = {name for _kind, name in read}
    lines = {"equeue_waiting_line", "equeue_waiting_priority", "equeue_redirected"}
    assert lines | {"equeue_at_window", "equeue_event_call_idx"} <= names, "\n".join(map(str, read))
    tables = {Ticket._meta.db_table, TicketEvent._meta.db_table}
    assert not [s for s in read if s[0] == "Seq Scan" and s[1] in tables], read


def rows_read(plan: dict[str, Any], table: str) -> int:
    """How many rows the plan's scans of ``table`` read — returned or filtered out — all
    loops together."""
    here = 0
    if plan.get("Relation Name") == table and "Scan" in plan["Node Type"]:
        per_loop = sum(
            int(plan.get(key, 0))
            for key in ("Actual Rows", "Rows Removed by Filter", "Rows Removed by Index Recheck")
        )
        here = per_loop * int(plan.get("Actual Loops", 1))
    return here + sum(rows_read(child, table) for child in plan.get("Plans", []))


@pytest.mark.parametrize("regular_first", [False, True])
def test_the_claim_reads_the_head_of_the_line_not_the_whole_line(
    sc1: Office, clock: Clock, regular_first: bool
) -> None:
    """Every press claims the next ticket while the line may be hundreds long (#5): the
    claim reads the head of each part of the line from its index (``services._claim_sql``)
    and never sorts the whole line — in its generic plan too — and still calls by the rule:
    redirected here first, then priority consumers (or regular ones when the streak is
    full), the oldest first."""
    household = Service.objects.get(office=sc1, code="household")
    billing = Service.objects.get(office=sc1, code="billing")
    window = Window.objects.create(office=sc1, number=100)
    window.services.set([household])
    today = clock().date()

    def ticket(n: int, **fields: Any) -> Ticket:
        values = {"service": household, "issued_at": clock() - timedelta(hours=5, seconds=-n)}
        values.update(fields)
        return Ticket(office=sc1, day=today, seq=n, number=f"Z{n:03d}", **values)

    line = [ticket(n, service=billing if n % 3 == 0 else household) for n in range(1, 400)]
    line += [
        ticket(400, priority="elderly"),
        ticket(401, priority="pregnancy", service=billing),  # not this window's service
        ticket(402, target_window=window, service=billing),
        ticket(403, target_window=window, priority="disability"),
        ticket(404, target_window=Window.objects.create(office=sc1, number=101)),
    ]
    Ticket.objects.bulk_create(line)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Ticket._meta.db_table}")
    sql = services._claim_sql(regular_first=regular_first, lock="FOR UPDATE SKIP LOCKED")
    numbers = []
    for _ in range(4):
        values = services.claim_params(sc1.pk, window.pk, clock())
        # Planned as every claim on PostgreSQL is (the operation's and the lane's:
        # ``services.CLAIM_PLANNER``); with the server's defaults the plan depended on the
        # table's size as an earlier test in the process left it.
        plan = generic_plan(sql, values, analyze=True, plans=services.CLAIM_PLANNER)
        assert 1 <= rows_read(plan, Ticket._meta.db_table) <= 8, plan  # of 404 waiting
        found = list(Ticket.objects.raw(sql, values))
        numbers.append(found[0].number)
        Ticket.objects.filter(pk=found[0].pk).update(status=Status.CALLED, target_window=None)
    redirected = ["Z402", "Z403"] if regular_first else ["Z403", "Z402"]
    rest = ["Z001", "Z002"] if regular_first else ["Z400", "Z001"]
    assert numbers == redirected + rest


def test_the_lanes_call_reads_the_head_of_the_line_whatever_the_statistics(
    sc1: Office, clock: Clock
) -> None:
    """The statistics PostgreSQL plans with are gathered when they happen to be (autovacuum,
    or the night's ``VACUUM ANALYZE``): say, in a quiet hour when a few consumers waited and
    the waiting line's index still held the entries of the many called since its last
    vacuum. Planned with them, the call statement read the whole line through
    ``equeue_waiting_idx`` and sorted it, so that a press cost as much as the line was long
    (#5: with the bench's line of 500, PostgreSQL's time per press doubled). Under the
    lane's planner settings (``lane.PLANS``) its generic plan reads the head of the line
    from ``equeue_waiting_line`` whatever the statistics, and calls the oldest ticket."""
    from abonent.equeue import lane

    service = Service.objects.get(office=sc1, code="household")
    window = Window.objects.create(office=sc1, number=100)
    window.services.set([service])
    operator = get_user_model().objects.create(username="op100")
    StaffProfile.objects.create(user=operator, office=sc1, window=window)
    today = clock().date()

    def ticket(n: int, day: date, status: str) -> Ticket:
        at = clock() - timedelta(days=(today - day).days, hours=5, seconds=-n)
        return Ticket(
            office=sc1, service=service, day=day, seq=n, number=f"M{n:04d}", status=status,
            issued_at=at,
        )  # fmt: skip

    Ticket.objects.bulk_create(
        ticket(n, today - timedelta(days=1 + n // 100), Status.DONE) for n in range(20000)
    )
    # A morning's line, called: the waiting line's index keeps their entries until a vacuum.
    early = Ticket.objects.bulk_create(ticket(n, today, Status.WAITING) for n in range(5000, 9000))
    Ticket.objects.filter(pk__in=[t.pk for t in early[5:]]).update(status=Status.DONE)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Ticket._meta.db_table}")
    Ticket.objects.bulk_create(ticket(n, today, Status.WAITING) for n in range(9000, 9500))
    values = lane._call_params(window.pk, clock())
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [lane.PRESSED_BY, f"{operator.pk}:0"])
    plan = generic_plan(lane._call_sql(False), values, analyze=True, plans=lane.PLANS)
    assert rows_read(plan, Ticket._meta.db_table) <= 8, plan  # of 505 waiting
    assert ("Index Scan", "equeue_waiting_line") in scans(plan), scans(plan)
    assert Ticket.objects.get(status=Status.CALLED).number == "M5000"
