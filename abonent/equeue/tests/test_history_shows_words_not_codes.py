"""Issue #5 review, 13: the ticket's history and the queue's refusals speak words — a
settled dispute shows its decision's label, a step of the closing of past days says so,
and a refused transition names the statuses by their labels, never by stored codes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from abonent.equeue import closing, services, stats
from abonent.equeue.models import Decision, Status
from abonent.equeue.tests.conftest import Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> None:
    translation.activate("en")


def history_cells(body: str) -> list[str]:
    part = body.split("<tbody>")[-1].split("</tbody>")[0]
    return [row.split("<td>")[-1].split("</td>")[0] for row in part.split("<tr>")[1:]]


def test_the_history_shows_the_decision_and_the_closing_in_words(
    client: Client, demo: None, clock: Clock
) -> None:
    ha = hall_admin_in("sc1")
    op = user("operator")
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    services.transfer_ticket(ticket_id=t.pk, to_service="billing", reason="Debt", actor=op)
    d = services.open_dispute(ticket_id=t.pk, reason="Not ours", actor=op)
    services.resolve_dispute(dispute_id=d.pk, decision=Decision.RETURN, actor=ha)
    clock.tick(days=1)
    closing.close_past_days()
    client.force_login(ha)
    body = client.get(f"/staff/queue/hall/tickets/{t.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    notes = history_cells(body.decode())
    assert str(Decision.RETURN.label) in notes
    assert "Closed automatically at the end of the day" in notes
    for code in ("return", "keep", stats.AUTO_NOTE):
        assert code not in notes


def test_a_refused_transition_names_the_statuses(demo: None, clock: Clock) -> None:
    op = user("operator")
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=window("sc1", 1), actor=op)
    with pytest.raises(services.InvalidTransition) as err:
        services.finish_ticket(ticket_id=t.pk, actor=op)
    assert str(err.value.message) == (
        f"A ticket that is “{Status.CALLED.label}” cannot become “{Status.DONE.label}”."
    )
    assert err.value.extra == {"from": "called", "to": "done"}
