"""Issue #5 point 7: tickets left open after their day are closed — waiting → cancelled,
called → no-show, serving → done — once, with a step and an audit row each; today's tickets
are left alone."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from abonent.core.models import AuditEntry
from abonent.equeue import closing, services, stats
from abonent.equeue.models import Action, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import ASTANA, Clock, user, window

pytestmark = pytest.mark.django_db
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)
END_OF_TUESDAY = datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=ASTANA)


def _issue(code: str = "household") -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code=code, actor=None).ticket


def _call(number: int, actor: Any) -> Ticket:
    ticket = services.call_next_ticket(window=window("sc1", number), actor=actor)
    assert ticket is not None
    return ticket


@pytest.fixture
def days(clock: Clock, make_operator: Callable[[str, str, int], Any]) -> dict[str, Ticket]:
    """Tuesday: done, serving (w1), called (w2), waiting; Wednesday: called (w3), waiting."""
    op1, op2, op3 = user("operator"), make_operator("op2", "sc1", 2), make_operator("op3", "sc1", 3)
    t: dict[str, Ticket] = {}
    t["done"] = _issue()
    _call(1, op1)
    services.start_ticket(ticket_id=t["done"].pk, actor=op1)
    clock.tick(minutes=5)
    services.finish_ticket(ticket_id=t["done"].pk, actor=op1)
    t["serving"], t["called"], t["waiting"] = _issue(), _issue("billing"), _issue()
    clock.tick(minutes=4)
    assert _call(1, op1).pk == t["serving"].pk
    services.start_ticket(ticket_id=t["serving"].pk, actor=op1)
    assert _call(2, op2).pk == t["called"].pk
    clock.at = datetime(2026, 11, 25, 9, 30, tzinfo=ASTANA)
    t["today_called"], t["today_waiting"] = _issue("billing"), _issue()
    assert _call(3, op3).pk == t["today_called"].pk
    return t


def _state(t: dict[str, Ticket]) -> dict[str, tuple[str, datetime | None]]:
    fresh = {x.pk: x for x in Ticket.objects.all()}
    return {k: (fresh[v.pk].status, fresh[v.pk].finished_at) for k, v in t.items()}


def test_past_tickets_are_closed_at_the_end_of_their_day(days: dict[str, Ticket]) -> None:
    done_before = _state(days)["done"]
    events_before = TicketEvent.objects.count()
    assert closing.close_past_days(today=WEDNESDAY) == 3
    assert _state(days) == {
        "done": done_before,
        "serving": (Status.DONE, END_OF_TUESDAY),
        "called": (Status.NO_SHOW, END_OF_TUESDAY),
        "waiting": (Status.CANCELLED, END_OF_TUESDAY),
        "today_called": (Status.CALLED, None),
        "today_waiting": (Status.WAITING, None),
    }
    steps = TicketEvent.objects.filter(note=closing.AUTO_NOTE).order_by("ticket_id")
    assert TicketEvent.objects.count() == events_before + 3
    assert [(s.ticket_id, s.action, s.at, s.actor_id) for s in steps] == [
        (days["serving"].pk, Action.FINISHED, END_OF_TUESDAY, None),
        (days["called"].pk, Action.NO_SHOW, END_OF_TUESDAY, None),
        (days["waiting"].pk, Action.CANCELLED, END_OF_TUESDAY, None),
    ]
    assert [s.window.number if s.window else None for s in steps] == [1, 2, None]
    # object_id is text ("10" < "8"): order by the ticket's number, not the string.
    audits = sorted(
        AuditEntry.objects.filter(note=closing.AUTO_NOTE), key=lambda a: int(a.object_id)
    )
    assert [
        (a.action, a.object_id, a.actor_label, a.before, a.after["status"]) for a in audits
    ] == [
        ("ticket.finished", str(days["serving"].pk), "system", {"status": "serving"}, "done"),
        ("ticket.no_show", str(days["called"].pk), "system", {"status": "called"}, "no_show"),
        ("ticket.cancelled", str(days["waiting"].pk), "system", {"status": "waiting"}, "cancelled"),
    ]


def test_closing_twice_closes_nothing_more(days: dict[str, Ticket]) -> None:
    assert closing.close_past_days(today=WEDNESDAY) == 3
    state, events, audits = _state(days), TicketEvent.objects.count(), AuditEntry.objects.count()
    assert closing.close_past_days(today=WEDNESDAY) == 0
    assert (_state(days), TicketEvent.objects.count(), AuditEntry.objects.count()) == (
        state,
        events,
        audits,
    )


def test_today_defaults_to_the_queue_clock_and_today_is_left_alone(
    days: dict[str, Ticket], clock: Clock
) -> None:
    assert closing.close_past_days(actor=user("admin")) == 3  # the clock says Wednesday
    assert _state(days)["today_waiting"] == (Status.WAITING, None)
    step = TicketEvent.objects.get(ticket=days["waiting"], note=closing.AUTO_NOTE)
    assert step.actor is not None and step.actor.username == "admin"
    assert AuditEntry.objects.filter(note=closing.AUTO_NOTE, actor_label="admin").count() == 3


def test_a_window_left_busy_yesterday_can_call_again(days: dict[str, Ticket]) -> None:
    with pytest.raises(services.DomainError) as refused:
        services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    assert refused.value.code == "window_busy"
    closing.close_past_days(today=WEDNESDAY)
    assert _call(1, user("operator")).pk == days["today_waiting"].pk


def test_the_statistics_count_the_closed_tickets_without_measuring_them(
    days: dict[str, Ticket],
) -> None:
    closing.close_past_days(today=WEDNESDAY)
    r = stats.build_report(
        office=days["done"].office, date_from=TUESDAY, date_to=TUESDAY, target_minutes=15
    )
    assert (r.totals.issued, r.totals.served, r.totals.no_show, r.totals.cancelled) == (4, 2, 1, 1)
    # Only the service finished by the operator has a length: 5 minutes.
    assert (r.totals.services_measured, stats.minutes(r.totals.service_avg)) == (1, 5.0)


def test_the_command_closes_the_days_before_the_given_one(days: dict[str, Ticket]) -> None:
    out = io.StringIO()
    call_command("close_queue_days", "--today", "2026-11-24", stdout=out)
    assert out.getvalue().strip() == "0 tickets of past days closed"
    call_command("close_queue_days", "--today", "2026-11-25", stdout=out)
    assert out.getvalue().strip().endswith("3 tickets of past days closed")
    assert _state(days)["waiting"] == (Status.CANCELLED, END_OF_TUESDAY)


def test_the_command_refuses_a_bad_date(days: dict[str, Ticket]) -> None:
    state = _state(days)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("close_queue_days", "--today", "25.11.2026")
    assert _state(days) == state
