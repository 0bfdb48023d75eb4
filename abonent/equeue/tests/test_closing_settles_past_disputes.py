"""Issue #5 review, 14 (Q-6): a dispute still open after its ticket's day is settled by the
closing of past days — "the redirection stands", note ``AUTO_NOTE``, at the end of that day,
with a ``resolved`` step and an audit row — and not counted as settled by anyone in the
statistics; the hall lists today's open disputes only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.equeue import closing, hall, services, stats
from abonent.equeue.models import Action, Decision, Dispute, Ticket, TicketEvent
from abonent.equeue.tests.conftest import ASTANA, Api, Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db
END_OF_TUESDAY = datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=ASTANA)


def disputed(clock: Clock) -> tuple[Ticket, Dispute]:
    op = user("operator")
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.transfer_ticket(ticket_id=t.pk, to_service="billing", reason="r", actor=op)
    return t, services.open_dispute(ticket_id=t.pk, reason="not ours", actor=op)


def test_past_disputes_are_settled_once(demo: None, clock: Clock) -> None:
    t, d = disputed(clock)
    clock.tick(days=1)
    office = t.office
    assert [x.pk for x in hall.hall(office).disputes] == []  # yesterday's: not on today's page
    assert closing.close_past_days() == 1  # the waiting ticket; the dispute besides
    d.refresh_from_db()
    assert (d.decision, d.decision_note, d.resolved_at, d.resolved_by) == (
        Decision.KEEP,
        stats.AUTO_NOTE,
        END_OF_TUESDAY,
        None,
    )
    step = TicketEvent.objects.get(ticket=t, action=Action.RESOLVED)
    assert (step.note, step.at) == (stats.AUTO_NOTE, END_OF_TUESDAY)
    assert AuditEntry.objects.filter(action="dispute.resolved", object_id=str(d.pk)).count() == 1
    assert closing.close_past_days() == 0
    assert TicketEvent.objects.filter(action=Action.RESOLVED).count() == 1


def test_a_dispute_closed_this_way_is_not_counted_as_settled(
    demo: None, clock: Clock, api_as: Callable[[str | None], Api]
) -> None:
    disputed(clock)
    clock.tick(days=1)
    closing.close_past_days()
    body = api_as("head").get("/stats?date_from=2026-11-24&date_to=2026-11-24").json()
    assert (body["totals"]["disputes_opened"], body["totals"]["disputes_resolved"]) == (1, 0)


def test_the_hall_page_shows_todays_open_disputes(client: Client, demo: None, clock: Clock) -> None:
    t, d = disputed(clock)
    hall_admin_in("sc1")
    client.force_login(user("hall_admin"))
    assert (
        f"/staff/queue/hall/disputes/{d.pk}/resolve/"
        in client.get("/staff/queue/hall/").content.decode()
    )
    clock.tick(days=1)
    body = client.get("/staff/queue/hall/").content.decode()
    assert f"/staff/queue/hall/disputes/{d.pk}/resolve/" not in body
    assert date(2026, 11, 24) == t.day
