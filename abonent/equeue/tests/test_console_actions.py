"""Q-4, Q-5, Q-6 through the operator's console: every button is a POST that calls one
service; a refused action answers with its 4xx status, shows the code and message in place,
and changes nothing; a stale (double) click is refused with 409 ``stale``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abonent.equeue import services
from abonent.equeue.models import Action, Dispute, Status, Ticket, TicketEvent
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def issue(code: str = "household") -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code=code, actor=None).ticket


def state(t: Ticket) -> tuple[Any, ...]:
    t.refresh_from_db()
    return (t.status, t.window_id, t.service_id, t.called_at, t.started_at, t.finished_at)


def last_step(t: Ticket) -> int:
    return TicketEvent.objects.filter(ticket=t).order_by("-id").values_list("id", flat=True)[0]


def guard(t: Ticket) -> dict[str, Any]:
    t.refresh_from_db()
    return {"ticket": t.pk, "status": t.status, "step": last_step(t)}


@pytest.fixture
def op(client: Client, demo: None) -> Client:
    client.force_login(user("operator"))
    return client


def url(action: str) -> str:
    return f"/staff/queue/window/{window('sc1', 1).pk}/{action}/"


def test_q4_call_start_finish_through_the_console_without_javascript(
    op: Client, clock: Clock
) -> None:
    t = issue()
    r = op.post(url("call"))
    assert (r.status_code, r["Location"]) == (302, f"/staff/queue/window/{window('sc1', 1).pk}/")
    assert state(t)[:2] == (Status.CALLED, window("sc1", 1).pk)
    page = op.get(r["Location"])
    assert page.status_code == 200
    assert "A001" in page.content.decode()
    clock.tick(minutes=1)
    assert op.post(url("start"), guard(t)).status_code == 302
    clock.tick(minutes=5)
    assert op.post(url("finish"), guard(t)).status_code == 302
    t.refresh_from_db()
    assert t.status == Status.DONE
    assert (t.finished_at - t.started_at).total_seconds() == 300  # type: ignore[operator]
    actions = list(TicketEvent.objects.filter(ticket=t).values_list("action", flat=True))
    assert actions == [Action.ISSUED, Action.CALLED, Action.STARTED, Action.FINISHED]
    log = op.get(f"/staff/queue/window/{window('sc1', 1).pk}/part/log/").content.decode()
    assert "A001" in log and "5" in log


def test_q4_htmx_answer_is_the_console_fragment(op: Client, clock: Clock) -> None:
    issue()
    r = op.post(url("call"), headers=HX)
    body = r.content.decode()
    assert r.status_code == 200
    assert body.startswith('<div id="console"')
    assert "A001" in body and "<html" not in body


def test_q4_a_second_click_on_the_same_start_form_is_stale_and_changes_nothing(
    op: Client, clock: Clock
) -> None:
    t = issue()
    op.post(url("call"))
    form = guard(t)
    assert op.post(url("start"), form, headers=HX).status_code == 200
    before = state(t)
    clock.tick(seconds=2)
    r = op.post(url("start"), form, headers=HX)
    assert r.status_code == 409
    assert 'role="alert"' in r.content.decode() and "stale" in r.content.decode()
    assert state(t) == before
    assert TicketEvent.objects.filter(ticket=t, action=Action.STARTED).count() == 1


def test_q4_a_double_recall_announces_once(op: Client, clock: Clock) -> None:
    t = issue()
    op.post(url("call"))
    form = guard(t)
    assert op.post(url("recall"), form).status_code == 302
    assert op.post(url("recall"), form).status_code == 409
    assert TicketEvent.objects.filter(ticket=t, action=Action.RECALLED).count() == 1


def test_q4_call_next_while_busy_is_window_busy(op: Client, clock: Clock) -> None:
    t = issue()
    second = issue()
    op.post(url("call"))
    r = op.post(url("call"))
    assert r.status_code == 409
    assert "window_busy" in r.content.decode()
    assert state(second)[:2] == (Status.WAITING, None)
    assert state(t)[0] == Status.CALLED


def test_q4_no_show_before_the_grace_time_is_refused_and_after_it_done(
    op: Client, clock: Clock, settings: Any
) -> None:
    settings.ABONENT_QUEUE_NO_SHOW_GRACE_SECONDS = 180
    t = issue()
    op.post(url("call"))
    page = op.get(f"/staff/queue/window/{window('sc1', 1).pk}/").content.decode()
    assert 'data-countdown="181"' in page  # the button waits, the countdown shows
    clock.tick(seconds=179)
    before = state(t)
    r = op.post(url("no-show"), guard(t))
    assert r.status_code == 409
    assert "too_early" in r.content.decode()
    assert state(t) == before
    clock.tick(seconds=1)
    assert op.post(url("no-show"), guard(t)).status_code == 302
    assert state(t)[0] == Status.NO_SHOW


def test_q4_finish_before_start_is_refused_with_the_transition_error(
    op: Client, clock: Clock
) -> None:
    t = issue()
    op.post(url("call"))
    before = state(t)
    # The form claims "serving": the ticket is only called, so the guard refuses first.
    r = op.post(url("finish"), {**guard(t), "status": Status.SERVING})
    assert (r.status_code, "stale" in r.content.decode()) == (409, True)
    r = op.post(url("finish"), guard(t))
    assert (r.status_code, "invalid_transition" in r.content.decode()) == (409, True)
    assert state(t) == before


def test_q5_redirect_to_a_service_keeps_the_ticket_and_leaves_the_comment(
    op: Client, clock: Clock
) -> None:
    t = issue()
    op.post(url("call"))
    op.post(url("start"), guard(t))
    r = op.post(url("redirect"), {**guard(t), "target": "s:billing", "comment": "Debt question"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.status, t.service.code, t.number, t.comment, t.window_id) == (
        Status.WAITING,
        "billing",
        "A001",
        "Debt question",
        None,
    )


def test_q5_redirect_without_comment_is_refused_and_changes_nothing(
    op: Client, clock: Clock
) -> None:
    t = issue()
    op.post(url("call"))
    before = state(t)
    r = op.post(url("redirect"), {**guard(t), "target": "s:billing", "comment": "  "})
    assert r.status_code == 422
    assert "validation_error" in r.content.decode()
    assert state(t) == before


def test_q5_q6_redirect_to_a_window_then_that_window_disputes_it(
    op: Client, client: Client, clock: Clock, make_operator: Any
) -> None:
    make_operator("op2", "sc1", 2)
    w2 = window("sc1", 2)
    t = issue()
    op.post(url("call"))
    r = op.post(url("redirect"), {**guard(t), "target": f"w:{w2.pk}", "comment": "Contract"})
    assert r.status_code == 302
    other = Client()
    other.force_login(user("op2"))
    w2url = f"/staff/queue/window/{w2.pk}/"
    other.post(f"{w2url}call/")
    page = other.get(w2url).content.decode()
    assert "Contract" in page  # the comment of the previous employee
    r = other.post(f"{w2url}dispute/", {**guard(t), "reason": "Not my question"})
    assert r.status_code == 302
    d = Dispute.objects.get(ticket=t)
    assert (d.reason, d.opened_by.username, d.resolved_at) == ("Not my question", "op2", None)
    r = other.post(f"{w2url}dispute/", {**guard(t), "reason": "Again"})
    assert r.status_code == 409
    assert Dispute.objects.filter(ticket=t).count() == 1
