"""Q-4: calling to a window and serving; the state machine refuses out-of-order, stale and
foreign actions and changes nothing when it does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.equeue import services
from abonent.equeue.models import Action, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Api, Clock, user, window

pytestmark = pytest.mark.django_db


def issue(code: str = "household") -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code=code, actor=None).ticket


def state(t: Ticket) -> tuple[Any, ...]:
    t.refresh_from_db()
    return (t.status, t.window_id, t.called_at, t.started_at, t.finished_at)


def test_q4_call_next_start_finish(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    t = issue()
    op = api_as("operator")
    w1 = window("sc1", 1)
    r = op.post(f"/windows/{w1.pk}/call-next")
    assert r.status_code == 200
    assert (r.json()["number"], r.json()["status"], r.json()["window"]) == ("A001", "called", 1)
    clock.tick(minutes=1)
    assert op.post(f"/tickets/{t.pk}/start").json()["status"] == "serving"
    clock.tick(minutes=7)
    assert op.post(f"/tickets/{t.pk}/finish").json()["status"] == "done"
    t.refresh_from_db()
    assert (t.finished_at - t.started_at).total_seconds() == 420  # type: ignore[operator]
    actions = list(TicketEvent.objects.filter(ticket=t).values_list("action", flat=True))
    assert actions == [Action.ISSUED, Action.CALLED, Action.STARTED, Action.FINISHED]


def test_q4_call_next_with_nobody_waiting_is_204(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    assert api_as("operator").post(f"/windows/{window('sc1', 1).pk}/call-next").status_code == 204


def test_q4_estimated_wait_uses_recent_service_times(demo: None, clock: Clock) -> None:
    op = user("operator")
    t = issue()
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.start_ticket(ticket_id=t.pk, actor=op)
    clock.tick(minutes=12)
    services.finish_ticket(ticket_id=t.pk, actor=op)
    issue()
    issue()
    third = services.issue_ticket(office_code="sc1", service_code="household", actor=None)
    # 2 ahead × 12 minutes ÷ 2 windows.
    assert third.place.estimated_wait_minutes == 12


def test_q4_finish_twice_is_a_stale_click_and_changes_nothing(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    op = api_as("operator")
    op.post(f"/windows/{window('sc1', 1).pk}/call-next")
    op.post(f"/tickets/{t.pk}/start")
    op.post(f"/tickets/{t.pk}/finish")
    before = state(t)
    clock.tick(seconds=1)
    r = op.post(f"/tickets/{t.pk}/finish")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert state(t) == before
    assert TicketEvent.objects.filter(ticket=t, action=Action.FINISHED).count() == 1


def test_q4_out_of_order_actions_are_refused(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    op = api_as("operator")
    op.post(f"/windows/{window('sc1', 1).pk}/call-next")
    before = state(t)
    r = op.post(f"/tickets/{t.pk}/finish")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert state(t) == before


def test_q4_a_waiting_ticket_cannot_be_started(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    r = api_as("operator").post(f"/tickets/{t.pk}/start")
    assert (r.status_code, r.json()["code"]) == (409, "not_called")
    assert state(t)[0] == Status.WAITING


def test_q4_a_window_must_finish_before_calling_again(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    issue()
    second = issue()
    op = api_as("operator")
    w1 = window("sc1", 1).pk
    op.post(f"/windows/{w1}/call-next")
    r = op.post(f"/windows/{w1}/call-next")
    assert (r.status_code, r.json()["code"]) == (409, "window_busy")
    assert state(second)[0] == Status.WAITING


def test_q4_only_the_employee_at_the_window_calls_there(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    r = api_as("operator").post(f"/windows/{window('sc1', 2).pk}/call-next")
    assert (r.status_code, r.json()["code"]) == (403, "not_your_window")
    r = api_as("hall_admin").post(f"/windows/{window('sc1', 1).pk}/call-next")
    assert (r.status_code, r.json()["code"]) == (403, "not_your_window")
    assert state(t)[0] == Status.WAITING
    assert api_as("admin").post(f"/windows/{window('sc1', 2).pk}/call-next").status_code == 200


def test_q4_another_windows_ticket_is_refused(
    api_as: Callable[[str | None], Api],
    clock: Clock,
    make_operator: Callable[[str, str, int], Any],
) -> None:
    make_operator("op2", "sc1", 2)
    t = issue()
    api_as("operator").post(f"/windows/{window('sc1', 1).pk}/call-next")
    before = state(t)
    r = api_as("op2").post(f"/tickets/{t.pk}/start")
    assert (r.status_code, r.json()["code"]) == (403, "other_window")
    r = api_as("hall_admin").post(f"/tickets/{t.pk}/start")
    assert (r.status_code, r.json()["code"]) == (403, "not_your_window")
    assert state(t) == before


def test_q4_no_show_only_after_the_grace_time(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    op = api_as("operator")
    op.post(f"/windows/{window('sc1', 1).pk}/call-next")
    clock.tick(seconds=60)
    assert op.post(f"/tickets/{t.pk}/recall").status_code == 200
    before = state(t)
    clock.tick(seconds=59)
    r = op.post(f"/tickets/{t.pk}/no-show")
    assert (r.status_code, r.json()["code"]) == (409, "too_early")
    assert state(t) == before
    clock.tick(seconds=1)
    assert op.post(f"/tickets/{t.pk}/no-show").json()["status"] == "no_show"
    r = op.post(f"/tickets/{t.pk}/recall")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_q4_no_show_is_only_for_a_called_ticket(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    t = issue()
    op = api_as("operator")
    op.post(f"/windows/{window('sc1', 1).pk}/call-next")
    op.post(f"/tickets/{t.pk}/start")
    clock.tick(minutes=5)
    r = op.post(f"/tickets/{t.pk}/no-show")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert state(t)[0] == Status.SERVING
