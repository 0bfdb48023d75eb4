"""Issue #5 review, 4 (Q-2): the kiosk's wait estimate measures real services only — a
service the closing of past days finished at 23:59:59 (hours long) is left out, as in the
statistics."""

from __future__ import annotations

import pytest

from abonent.core.models import Service
from abonent.equeue import closing, services
from abonent.equeue.tests.conftest import Clock, user, window

pytestmark = pytest.mark.django_db


def test_a_forgotten_finish_does_not_skew_the_estimate(demo: None, clock: Clock) -> None:
    op = user("operator")
    w = window("sc1", 1)
    for _ in range(3):
        t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
        services.call_next_ticket(window=w, actor=op)
        services.start_ticket(ticket_id=t.pk, actor=op)
        clock.tick(minutes=10)
        services.finish_ticket(ticket_id=t.pk, actor=op)
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    services.call_next_ticket(window=w, actor=op)
    services.start_ticket(ticket_id=t.pk, actor=op)  # never finished
    clock.tick(days=1)
    assert closing.close_past_days() == 1
    svc = Service.objects.get(office__code="sc1", code="household")
    assert services.average_service_minutes(svc, clock.at) == 10.0
    assert services.measured(svc.tickets.all()).count() == 3
