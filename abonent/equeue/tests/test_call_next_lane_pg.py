"""The call-next lane (equeue/lane.py, #5 speed, Q-4): on PostgreSQL an operator's press
with a bearer token is answered in the event loop — the same ticket order, answer, audit
row, step and live event as the API operation — and every press the lane cannot answer
that way is left to the operation, with nothing sent or kept."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from abonent.core import lane as core_lane
from abonent.core.lib import bus
from abonent.core.models import ApiToken, AuditEntry, Office, Service, Window, hash_token
from abonent.core.tests.lanes import (
    LANE_TESTS,
    lane_offer,
    lane_scope,
    run_through_application,
    through_application,
)
from abonent.equeue import events, lane, services
from abonent.equeue.api import ticket_out
from abonent.equeue.models import Action, Priority, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import ASTANA, Clock, hall_admin_in, user, window

pytestmark = LANE_TESTS


def path(window_id: int) -> str:
    return f"/api/v1/queue/windows/{window_id}/call-next"


def scope(token: str, window_id: int, **extra: bytes) -> dict[str, Any]:
    return lane_scope(path(window_id), token, None, **extra)


def offer(request: dict[str, Any], body: bytes = b"") -> tuple[bool, list[dict[str, Any]]]:
    return lane_offer(lane.post_call_next, request, body)


@pytest.fixture
def warm(clock: Clock, sc1: Office) -> None:
    """The schedules' snapshots loaded, as on a server that has been answering: the lane
    leaves a press that would load them to the operation."""
    for number in (1, 2):
        services._check_open(window("sc1", number), clock())


@pytest.fixture
def operators(
    make_operator: Callable[[str, str, int], Any], token_for: Callable[[str], str], warm: None
) -> dict[int, str]:
    """Tokens of operators seated at windows 1 and 2 of service centre 1."""
    make_operator("op1", "sc1", 1)
    make_operator("op2", "sc1", 2)
    return {1: token_for("op1"), 2: token_for("op2")}


def raw_connection(**options: Any) -> psycopg.Connection[Any]:
    """A psycopg connection of its own to the test database (outside Django's)."""
    params = connection.get_connection_params()
    return psycopg.connect(**{k: v for k, v in params.items() if k != "context"}, **options)


def issue(n: int) -> None:
    for _ in range(n):
        services.issue_ticket(office_code="sc1", service_code="household", actor=None)


def test_a_press_through_the_lane_is_the_operations_press(
    client: Client, operators: dict[int, str], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue(2)
    here: list[tuple[str, str, dict[str, Any]]] = []

    def recording(name: str) -> Callable[[str, dict[str, Any]], None]:
        original = getattr(bus, name)

        def record(channel: str, payload: dict[str, Any]) -> None:
            here.append((name, channel, payload))
            original(channel, payload)

        return record

    for name in ("deliver_here", "publish"):  # this process's boards get the call's event
        monkeypatch.setattr(bus, name, recording(name))
    listener = raw_connection(autocommit=True)
    try:
        listener.execute(f"LISTEN {bus.BUS_CHANNEL}")
        calls_with(listener, client, operators, clock)
    finally:
        listener.close()
    first, second = Ticket.objects.order_by("issued_at", "id")
    # The lane's event, built from its rows, is the operation's for the same step (#5).
    channel, payload = events.ticket_event(
        first, action=Action.CALLED, at=clock(), window=first.window
    )
    assert here[0] == ("deliver_here", channel, payload)
    assert here[1][0] == "publish" and here[1][2]["ticket"] == second.pk


def calls_with(
    listener: psycopg.Connection[Any], client: Client, operators: dict[int, str], clock: Clock
) -> None:
    w1, w2 = window("sc1", 1), window("sc1", 2)
    answered, sent = offer(scope(operators[1], w1.pk, accept_language=b"kk"))
    assert answered
    start, content = sent
    by_lane = json.loads(content["body"])
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    by_operation = client.post(
        path(w2.pk), HTTP_AUTHORIZATION=f"Bearer {operators[2]}", HTTP_ACCEPT_LANGUAGE="kk"
    )
    assert (start["status"], by_operation.status_code) == (200, 200)
    first, second = Ticket.objects.order_by("issued_at", "id")
    assert (by_lane["id"], by_operation.json()["id"]) == (first.pk, second.pk)
    same = {"id", "number", "window", "issued_at"}
    assert {k: v for k, v in by_lane.items() if k not in same} == {
        k: v for k, v in by_operation.json().items() if k not in same
    }
    assert (by_lane["window"], by_lane["status"]) == (1, "called")
    for name in ("Content-Type", "Content-Language", "Vary", "X-Content-Type-Options"):
        assert headers[name.lower()] == by_operation.headers[name], name

    def trail(ticket: Ticket) -> list[Any]:
        entry = AuditEntry.objects.for_object(ticket).get(action="ticket.called")
        step = TicketEvent.objects.get(ticket=ticket, action=Action.CALLED)
        return [
            entry.action,
            entry.actor_label[:2],
            entry.before,
            {**entry.after, "window_id": 0, "employee_id": 0},
            step.action,
            step.priority,
            step.actor_id == entry.actor_id,
            step.at,
        ]

    first.refresh_from_db()
    # The lane builds its answer from its rows, not from the models (#5): the very bytes
    # that the operation's schema and encoder give for the ticket as stored.
    assert (
        content["body"] == json.dumps(ticket_out(first).model_dump(), cls=NinjaJSONEncoder).encode()
    )
    assert trail(first) == trail(second)
    assert first.window_id == w1.pk and first.employee is not None
    # The live event reached the other processes' listeners, once the call committed.
    notices = [json.loads(n.payload) for n in listener.notifies(timeout=1, stop_after=2)]
    assert [n["p"]["ticket"] for n in notices] == [first.pk, second.pk]
    assert notices[0]["p"] == {
        "action": Action.CALLED,
        "ticket": first.pk,
        "number": first.number,
        "status": "called",
        "service": first.service_id,
        "window": 1,
        "at": clock().isoformat(),
    }


def test_what_the_lane_leaves_to_the_operation_keeps_nothing(
    operators: dict[int, str], token_for: Callable[[str], str], clock: Clock
) -> None:
    w1, w2 = window("sc1", 1), window("sc1", 2)
    issue(3)
    cases = {
        "another window than the operator's": (scope(operators[1], w2.pk), b""),
        "no such window": (scope(operators[1], 999_999), b""),
        "no such token": (scope("nonsense", w1.pk), b""),
        "the superuser": (scope(token_for("admin"), w1.pk), b""),
        "a body": (scope(operators[1], w1.pk), b'{"x": 1}'),
        "a cookie": (scope(operators[1], w1.pk, cookie=b"sessionid=x"), b""),
    }
    for case, (request, body) in cases.items():
        assert offer(request, body) == (False, []), case
    Window.objects.filter(pk=w2.pk).update(is_active=False)
    assert offer(scope(operators[2], w2.pk)) == (False, []), "a closed window"
    clock.at = datetime(2026, 11, 24, 21, 0, tzinfo=ASTANA)
    assert offer(scope(operators[1], w1.pk)) == (False, []), "the office is closed"
    assert not TicketEvent.objects.filter(action=Action.CALLED).exists()
    assert not AuditEntry.objects.filter(action="ticket.called").exists()
    clock.at = datetime(2026, 11, 24, 10, 5, tzinfo=ASTANA)
    assert offer(scope(operators[1], w1.pk))[0]
    assert offer(scope(operators[1], w1.pk)) == (False, []), "the window serves someone"
    assert TicketEvent.objects.filter(action=Action.CALLED).count() == 1


def test_a_press_into_an_empty_line_is_answered_as_the_operation_answers_it(
    client: Client, operators: dict[int, str], clock: Clock
) -> None:
    """Nobody waits (at the end of the day every window presses into an empty line): the
    lane answers the operation's 204 with its headers, writes nothing but the token's last
    use and sends no live event — the first event the other processes get is the next
    call's."""
    w1, w2 = window("sc1", 1), window("sc1", 2)
    listener = raw_connection(autocommit=True)
    try:
        listener.execute(f"LISTEN {bus.BUS_CHANNEL}")
        answered, sent = offer(scope(operators[1], w1.pk, accept_language=b"kk"))
        by_operation = client.post(
            path(w2.pk), HTTP_AUTHORIZATION=f"Bearer {operators[2]}", HTTP_ACCEPT_LANGUAGE="kk"
        )
        assert answered and by_operation.status_code == 204
        start, content = sent
        assert (start["status"], content["body"]) == (204, b"")
        assert {k.decode(): v.decode() for k, v in start["headers"]} == {
            k.lower(): v for k, v in by_operation.headers.items()
        }
        assert not TicketEvent.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()
        issue(1)
        assert offer(scope(operators[1], w1.pk))[0]
        notices = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=2)]
    finally:
        listener.close()
    called = Ticket.objects.get()
    assert called.status == Status.CALLED and called.window_id == w1.pk
    assert [(n["p"]["action"], n["p"]["ticket"]) for n in notices] == [
        (Action.ISSUED, called.pk),
        (Action.CALLED, called.pk),
    ]


def test_twenty_windows_pressing_at_once_never_get_the_same_ticket(
    make_operator: Callable[[str, str, int], Any],
    token_for: Callable[[str], str],
    clock: Clock,
    sc1: Office,
) -> None:
    """Q-4 through the server's entry point: the lane and the operation (for the presses the
    lane leaves to it) share the window locks and the SKIP LOCKED claim."""
    service = Service.objects.get(office=sc1, code="household")
    tokens = {}
    for n in range(1, 21):
        w = Window.objects.create(office=sc1, number=100 + n)
        w.services.set([service])
        services._check_open(w, clock())
        make_operator(f"op{n}", "sc1", 100 + n)
        tokens[w.pk] = token_for(f"op{n}")
    issue(30)

    async def press(window_id: int, token: str) -> tuple[int, dict[str, Any]]:
        status, content = await through_application(scope(token, window_id), b"")
        return status, json.loads(content) if content else {}

    async def requests() -> list[tuple[int, dict[str, Any]]]:
        return list(await asyncio.gather(*(press(w, t) for w, t in tokens.items())))

    answers = run_through_application(requests)
    assert [status for status, _body in answers] == [200] * 20
    called = [body["id"] for _status, body in answers]
    assert len(set(called)) == 20
    per_ticket = Counter(
        TicketEvent.objects.filter(action=Action.CALLED).values_list("ticket_id", flat=True)
    )
    assert set(per_ticket.values()) == {1} and len(per_ticket) == 20
    # The twenty first tickets in the line, in order of issue, went to the twenty windows.
    first = list(Ticket.objects.order_by("issued_at", "id").values_list("id", flat=True)[:20])
    assert sorted(called) == sorted(first)


def test_the_lane_calls_priority_first_and_leaves_a_full_streak_to_the_operation(
    operators: dict[int, str], clock: Clock
) -> None:
    """Q-3's fairness rule: priority consumers first, and after ``priority_streak()`` (2)
    priority calls in a row the rule must look at the waiting line, which the operation
    does. Between presses the window's consumer has been served."""
    w1 = window("sc1", 1)
    regular = services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    admin = hall_admin_in("sc1")
    elderly = [
        services.issue_ticket(
            office_code="sc1", service_code="household", actor=admin, priority=Priority.ELDERLY
        ).ticket
        for _ in range(3)
    ]
    called = []
    for _ in range(2):
        answered, sent = offer(scope(operators[1], w1.pk))
        assert answered
        called.append(json.loads(sent[1]["body"])["id"])
        Ticket.objects.filter(pk=called[-1]).update(status=Status.DONE)
    assert called == [elderly[0].pk, elderly[1].pk]
    # The streak is full: the lane leaves the press to the operation, keeping nothing.
    steps = TicketEvent.objects.count()
    assert offer(scope(operators[1], w1.pk)) == (False, [])
    assert TicketEvent.objects.count() == steps
    assert Ticket.objects.get(pk=regular.ticket.pk).status == Status.WAITING


async def on_every_connection(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows ``query`` gives on each connection of the lanes' pool, all together."""
    pool = await core_lane.POOL.get()
    rows: list[tuple[Any, ...]] = []
    async with contextlib.AsyncExitStack() as stack:  # every connection, held at once
        for _ in range(pool.get_stats()["pool_size"]):
            conn = await stack.enter_async_context(pool.connection())
            cursor = await conn.execute(query, params)
            rows += [tuple(row) for row in await cursor.fetchall()]
    return rows


def test_the_pressing_user_is_kept_for_its_transaction_only(operators: dict[int, str]) -> None:
    """The locking statement keeps the token's user (and its planner settings) for the call
    statement after it; the next transaction on the same pooled connection must not find
    them, and a refused token there calls nobody."""
    issue(2)
    w1 = window("sc1", 1)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def presses() -> tuple[bool, Any, bool]:
        try:
            first = await lane.post_call_next(scope(operators[1], w1.pk), b"", send)
            kept = await on_every_connection(
                "SELECT current_setting(%s, true), current_setting('plan_cache_mode'), "
                "current_setting('enable_sort')",
                [lane.PRESSED_BY],
            )
            refused = await lane.post_call_next(scope("nonsense", w1.pk), b"", send)
            return first, kept, refused
        finally:
            await core_lane.POOL.close()

    first, kept, refused = asyncio.run(presses())
    settings_kept = {(user or None, plans, sort) for user, plans, sort in kept}
    assert (first, settings_kept, refused) == (True, {(None, "auto", "on")}, False)
    assert TicketEvent.objects.filter(action=Action.CALLED).count() == 1


def test_under_another_isolation_level_the_press_is_the_operations(
    operators: dict[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lane's statement after the lock must see what committed before it began: READ
    COMMITTED. When the settings name another level, the lane leaves every press to the
    operation, having sent and kept nothing."""
    issue(1)
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(options, "isolation_level", psycopg.IsolationLevel.REPEATABLE_READ)
    assert offer(scope(operators[1], window("sc1", 1).pk)) == (False, [])
    assert not TicketEvent.objects.filter(action=Action.CALLED).exists()


def test_the_statement_after_the_lock_runs_with_generic_plans_as_the_user(
    operators: dict[int, str],
) -> None:
    """The lane sends no BEGIN: its statements are the pipeline's implicit transaction.
    What the locking statement sets for that transaction — the pressing user with the
    press's place in its batch, and generic plans — is in force for the statement after it
    (the call's place)."""
    w1 = window("sc1", 1)

    async def pipeline() -> tuple[Any, Any]:
        try:
            pool = await core_lane.POOL.get()
            async with pool.connection() as conn:
                await conn.execute("SET jit = on")  # as with DB_JIT=true
                async with conn.pipeline():
                    locking = await core_lane.execute(
                        conn,
                        lane._lock_sql(),
                        [*core_lane.token_params(operators[1], timezone.now()), w1.pk, "0"],
                    )
                    probe = await conn.execute(
                        "SELECT current_setting('plan_cache_mode'), current_setting('enable_sort'), "
                        "current_setting('jit'), current_setting(%s, true)",
                        [lane.PRESSED_BY],
                    )
                locked, probed = await locking.fetchone(), await probe.fetchone()
                await conn.execute("RESET jit")
                return locked, probed
        finally:
            await core_lane.POOL.close()

    locked, probe = asyncio.run(pipeline())
    assert locked is not None
    # No JIT either, where the server has it on: the plan's unavoidable sort counts as
    # costing 10^10, and compiling the statement took 1.6 s of every press.
    assert probe == ("force_generic_plan", "off", "off", f"{user('op1').pk}:0")


def test_a_window_moved_while_the_press_waits_for_it_calls_nobody(
    operators: dict[int, str], sc1: Office
) -> None:
    """The press waits for the window's lock; meanwhile the window is moved to another
    office. The locking statement then finds no row, and the call statement after it must
    not act for the user it would have kept: the press is the operation's."""
    issue(1)
    w1 = window("sc1", 1)
    other = Office.objects.get(code="sc2")
    theirs = services.issue_ticket(office_code="sc2", service_code="household", actor=None)
    holder = raw_connection()
    watcher = raw_connection(autocommit=True)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def press() -> bool:
        try:
            holder.execute("SELECT 1 FROM core_window WHERE id = %s FOR UPDATE", [w1.pk])
            task = asyncio.create_task(lane.post_call_next(scope(operators[1], w1.pk), b"", send))
            for _ in range(500):  # until the press waits for the lock
                await asyncio.sleep(0.01)
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                ).fetchone()
                if waiting and waiting[0]:
                    break
            holder.execute(
                "UPDATE core_window SET office_id = %s, number = 900 WHERE id = %s",
                [other.pk, w1.pk],
            )
            # With the other office's service: it has a consumer waiting.
            holder.execute("DELETE FROM core_window_services WHERE window_id = %s", [w1.pk])
            holder.execute(
                "INSERT INTO core_window_services (window_id, service_id) VALUES (%s, %s)",
                [w1.pk, theirs.ticket.service_id],
            )
            holder.commit()
            return await task
        finally:
            await core_lane.POOL.close()

    try:
        assert asyncio.run(press()) is False
    finally:
        holder.close()
        watcher.close()
    assert sent == []
    assert not TicketEvent.objects.filter(action=Action.CALLED).exists()
    assert not Ticket.objects.filter(status=Status.CALLED).exists()


def test_a_press_calls_only_tickets_issued_by_its_time(
    operators: dict[int, str], clock: Clock
) -> None:
    """The lane takes the press's time before the window's lock (it sends everything at
    once): a ticket issued after that moment is not its to call (its call would precede its
    issue); the operation, taking its own time, calls it."""
    w1 = window("sc1", 1)
    pressed = clock()
    clock.at = pressed + timedelta(seconds=1)
    issue(1)
    clock.at = pressed
    assert offer(scope(operators[1], w1.pk)) == (False, [])
    clock.at = pressed + timedelta(seconds=2)
    answered, sent = offer(scope(operators[1], w1.pk))
    assert answered and json.loads(sent[1]["body"])["status"] == Status.CALLED


def call_all(presses: list[lane._Press]) -> list[Any]:
    """One batch of presses (``lane._call_all``), as the lane's batches run it."""

    async def run() -> list[Any]:
        try:
            return await lane._call_all(presses)
        finally:
            await core_lane.POOL.close()

    return asyncio.run(run())


def test_presses_in_one_batch_each_call_for_their_own_operator(
    operators: dict[int, str], clock: Clock
) -> None:
    """One transaction for presses that arrived together: each press's claim sees what the
    presses before it called, and each call is its own operator's (the audit row, the step,
    the ticket's employee), whatever the order they arrived in."""
    issue(3)
    w1, w2 = window("sc1", 1), window("sc1", 2)
    notify = bus.notify_sql_params()
    outcomes = call_all(
        [lane._Press(w2.pk, operators[2], notify), lane._Press(w1.pk, operators[1], notify)]
    )
    called = {row[0]: (locked[0], row[0]) for locked, row, _at in outcomes}
    assert len(called) == 2
    first, second, third = Ticket.objects.order_by("issued_at", "id")
    # Locked and claimed in the order of the windows' ids: window 1's press claims first.
    assert (first.window_id, second.window_id, third.status) == (w1.pk, w2.pk, Status.WAITING)
    for ticket, username in ((first, "op1"), (second, "op2")):
        entry = AuditEntry.objects.for_object(ticket).get(action="ticket.called")
        step = TicketEvent.objects.get(ticket=ticket, action=Action.CALLED)
        assert entry.actor == step.actor == ticket.employee == user(username)
        assert step.at == clock()


def test_a_refused_press_in_a_batch_does_not_act_as_the_press_before_it(
    make_operator: Callable[[str, str, int], Any], operators: dict[int, str], sc1: Office
) -> None:
    """The locking statement of a refused token finds no row and keeps no user: the call
    statement after it must not take the user that the press before it in the same
    transaction kept (``PRESSED_BY`` holds the press's place in its batch too). Here the
    press before it is op1's at a window op1 does not sit at, so it calls nobody, and op1
    sits at the refused press's window, which is free."""
    issue(2)
    seat = Window.objects.create(office=sc1, number=7)  # after window 1: locked after it
    seat.services.set(window("sc1", 1).services.all())
    for w in (window("sc1", 1), seat):  # a new window drops the hours' snapshots: warm again
        services._check_open(w, services.now())
    make_operator("op7", "sc1", 7)
    from abonent.core.models import StaffProfile

    StaffProfile.objects.filter(user=user("op1")).update(window=seat)
    notify = bus.notify_sql_params()
    outcomes = call_all(
        [
            lane._Press(window("sc1", 1).pk, operators[1], notify),  # not op1's window
            lane._Press(seat.pk, "nonsense", notify),
        ]
    )
    assert [row for _locked, row, _at in outcomes] == [None, None]
    assert outcomes[0][0] is not None and outcomes[1][0] is None
    assert not Ticket.objects.filter(status=Status.CALLED).exists()
    assert not TicketEvent.objects.filter(action=Action.CALLED).exists()


def test_an_error_in_one_press_leaves_every_press_of_its_batch_to_the_operation(
    client: Client, operators: dict[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refuses one press's statement: the batch's transaction is gone, nothing is
    kept for any of its presses, and each goes on to the operation, which calls."""
    issue(2)
    w1, w2 = window("sc1", 1), window("sc1", 2)
    call_params = lane._call_params

    def broken(window_id: int, at: datetime, place: int = 0) -> list[Any]:
        values = call_params(window_id, at, place)
        return [*values[:-1], "not a time"] if window_id == w2.pk else values

    monkeypatch.setattr(lane, "_call_params", broken)
    notify = bus.notify_sql_params()
    presses = [lane._Press(w1.pk, operators[1], notify), lane._Press(w2.pk, operators[2], notify)]
    assert call_all(presses) == [None, None]
    assert not TicketEvent.objects.filter(action=Action.CALLED).exists()
    assert not AuditEntry.objects.filter(action="ticket.called").exists()
    for number in (1, 2):
        answer = client.post(
            path(window("sc1", number).pk), HTTP_AUTHORIZATION=f"Bearer {operators[number]}"
        )
        assert answer.status_code == 200
    assert TicketEvent.objects.filter(action=Action.CALLED).count() == 2


def test_a_connections_first_press_prepares_the_statements_with_a_generic_plan(
    operators: dict[int, str],
) -> None:
    """Until a statement is prepared, PostgreSQL plans it on every execution, and planning
    the call statement costs several times what running it does: the lane prepares both of
    its statements on their first execution on a connection, and the call statement is
    never planned for its values (custom plans: none)."""
    issue(1)
    w1 = window("sc1", 1)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def press() -> tuple[bool, list[Any]]:
        try:
            answered = await lane.post_call_next(scope(operators[1], w1.pk), b"", send)
            prepared = await on_every_connection(
                "SELECT statement LIKE '%%split_part%%', generic_plans, custom_plans "
                "FROM pg_prepared_statements WHERE statement LIKE %s",
                [f"%{lane.PRESSED_BY}%"],
            )
            return answered, prepared
        finally:
            await core_lane.POOL.close()

    answered, prepared = asyncio.run(press())
    assert answered
    # The locking statement (planned before it sets the generic plans: once, for its
    # values), and the call statement, whose plan is the generic one.
    assert sorted(prepared) == [(False, 0, 1), (True, 1, 0)], prepared


def test_a_press_builds_no_connection_object(
    operators: dict[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """#5: in the event loop every request runs in a context of its own, where looking up
    ``connections["default"]`` builds a new connection object. The lane did that for every
    press (the isolation level, the vendor), and each object's reference cycles waited for
    the garbage collector, whose passes paused the presses. Once its pool is open, a press
    builds none."""
    issue(3)
    windows = [window("sc1", 1).pk, window("sc1", 2).pk]
    built: list[str] = []
    create = connections.create_connection

    def counted(alias: str) -> Any:
        built.append(alias)
        return create(alias)

    async def press(token: str, window_id: int) -> bool:
        async def send(message: dict[str, Any]) -> None:
            pass

        return await lane.post_call_next(scope(token, window_id), b"", send)

    async def presses() -> tuple[list[bool], list[bool]]:
        try:
            # The lanes' pool opened, and what a process keeps per window built, by a press
            # at each window (the second with a refused token). Every press is a task of its
            # own, as the server runs every request: none sees what another looked up.
            warm = [
                await asyncio.create_task(press(operators[1], windows[0])),
                await asyncio.create_task(press("nonsense", windows[1])),
            ]
            monkeypatch.setattr(connections, "create_connection", counted)
            # Two presses at window 2.
            then = await asyncio.gather(
                press(operators[2], windows[1]), press(operators[2], windows[1])
            )
            return warm, list(then)
        finally:
            await core_lane.POOL.close()

    warm, then = asyncio.run(presses())
    assert warm == [True, False]
    # The window serves the first of the two: the second is the operation's.
    assert sorted(then) == [False, True]
    assert built == []


def test_the_operations_claim_is_planned_as_the_lanes(operators: dict[int, str]) -> None:
    """A console's press by session is the operation's, whose claim must not fall into the
    traps the lane's plan avoids (``services.CLAIM_PLANNER``): the whole waiting line read
    and sorted where an index gives its head, and JIT where the server has it on. Only for
    the claim: the rest of the transaction has its settings back."""
    issue(1)
    claims = {services._claim_and_call_sql(regular_first=first)[1] for first in (False, True)}
    seen: list[tuple[Any, ...]] = []

    def probe(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql in claims:
            with context["connection"].cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_sort'), current_setting('jit')")
                seen.append(cursor.fetchone())
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = on")  # as with DB_JIT=true
        with connection.execute_wrapper(probe):
            ticket = services.call_next_ticket(window=window("sc1", 1), actor=user("op1"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_sort'), current_setting('jit')")
            after = cursor.fetchone()
    assert ticket is not None and ticket.status == Status.CALLED
    assert seen == [("off", "off")]
    assert after == ("on", "on")


def test_a_token_touched_by_another_transaction_is_not_waited_for(
    operators: dict[int, str],
) -> None:
    """One token pressing at two windows from two processes: a batch holds window 1 and has
    touched the token (its last use, due once a minute); the other batch's lock of window 2
    must not wait for the token's row — else, when the first batch then wants window 2, the
    two wait for each other until PostgreSQL breaks the circle. The touch is skipped there
    (the first batch's touch stands), and both batches lock their windows in turn."""
    w1, w2 = window("sc1", 1), window("sc1", 2)
    token = operators[1]

    def values(w: Window) -> list[Any]:
        return [*core_lane.token_params(token, timezone.now()), w.pk, "0"]

    first, second = raw_connection(), raw_connection()
    try:
        # A bound for a failing run only: without the skip the second lock waits for the
        # first transaction, which is still open.
        second.execute("SET lock_timeout = '10s'")
        assert first.execute(lane._lock_sql(), values(w1)).fetchone() is not None
        assert second.execute(lane._lock_sql(), values(w2)).fetchone() is not None
        second.commit()
        assert first.execute(lane._lock_sql(), values(w2)).fetchone() is not None
        first.commit()
    finally:
        first.close()
        second.close()
    assert ApiToken.objects.get(key_hash=hash_token(token)).last_used_at is not None
