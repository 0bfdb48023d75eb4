"""Q-3, Q-5: who is called next — redirected-to-this-window first, priorities first but at
most ``ABONENT_QUEUE_PRIORITY_STREAK`` (2) in a row once a regular ticket has waited
``ABONENT_QUEUE_REGULAR_MAX_WAIT_MINUTES`` (10), otherwise oldest first."""

from __future__ import annotations

import pytest

from abonent.equeue import services
from abonent.equeue.models import Priority, Ticket
from abonent.equeue.tests.conftest import Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


def issue(code: str = "household", priority: str = Priority.NONE) -> Ticket:
    actor = hall_admin_in("sc1") if priority != Priority.NONE else None
    return services.issue_ticket(
        office_code="sc1", service_code=code, priority=priority, actor=actor
    ).ticket


def serve_next(clock: Clock) -> str:
    """Call, serve and finish the next ticket at window 1; its number."""
    op = user("operator")
    t = services.call_next_ticket(window=window("sc1", 1), actor=op)
    assert t is not None
    services.start_ticket(ticket_id=t.pk, actor=op)
    clock.tick(minutes=1)
    services.finish_ticket(ticket_id=t.pk, actor=op)
    return t.number


def test_q4_oldest_first_across_the_windows_services(demo: None, clock: Clock) -> None:
    issue("billing")
    clock.tick(seconds=1)
    issue("household")
    clock.tick(seconds=1)
    issue("billing")
    assert [serve_next(clock) for _ in range(3)] == ["B001", "A001", "B002"]


def test_q3_priority_goes_first_when_regulars_have_not_waited_long(
    demo: None, clock: Clock
) -> None:
    issue()
    issue()
    clock.tick(minutes=1)
    issue(priority=Priority.ELDERLY)
    issue(priority=Priority.PREGNANCY)
    issue(priority=Priority.DISABILITY)
    # Regular tickets have waited under 10 minutes: all three priorities go first.
    assert [serve_next(clock) for _ in range(5)] == ["A003", "A004", "A005", "A001", "A002"]


def test_q3_at_most_two_priority_calls_in_a_row_when_a_regular_waited_long(
    demo: None, clock: Clock
) -> None:
    issue()
    issue()
    clock.tick(minutes=10)
    for _ in range(4):
        issue(priority=Priority.ELDERLY)
    order = [serve_next(clock) for _ in range(6)]
    assert order == ["A003", "A004", "A001", "A005", "A006", "A002"]


def test_q5_a_ticket_redirected_to_this_window_is_called_first(demo: None, clock: Clock) -> None:
    issue()
    clock.tick(seconds=1)
    issue(priority=Priority.ELDERLY)
    late = issue("billing")
    late.target_window = window("sc1", 1)
    late.save()
    assert serve_next(clock) == "B001"


def test_q5_a_ticket_redirected_to_another_window_is_not_called_here(
    demo: None, clock: Clock
) -> None:
    t = issue()
    t.target_window = window("sc1", 2)
    t.save()
    assert services.call_next_ticket(window=window("sc1", 1), actor=user("operator")) is None


def test_q4_a_window_only_calls_its_own_services(demo: None, clock: Clock) -> None:
    issue("household")
    t = services.call_next_ticket(window=window("sc1", 3), actor=user("admin"))
    assert t is None
