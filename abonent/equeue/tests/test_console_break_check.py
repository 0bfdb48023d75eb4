"""Q-4 with the hours: nobody is called to a window at its own (sliding) lunch break,
``window_on_break``, nor to a closed office, ``office_closed`` — superusers included. The
waiting ticket stays waiting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from abonent.core.errors import DomainError
from abonent.equeue import services
from abonent.equeue.models import Status, Ticket
from abonent.equeue.tests.conftest import ASTANA, Clock, user, window

pytestmark = pytest.mark.django_db


def test_q4_call_next_at_the_windows_lunch_is_refused_even_for_a_superuser(
    demo: None, clock: Clock
) -> None:
    # Central hall: window 1 lunches 12:00-13:00, window 2 13:00-14:00 (core.demo).
    clock.at = datetime(2026, 11, 24, 12, 30, tzinfo=ASTANA)
    t = services.issue_ticket(office_code="central", service_code="legal", actor=None).ticket
    with pytest.raises(DomainError) as err:
        services.call_next_ticket(window=window("central", 1), actor=user("admin"))
    assert err.value.code == "window_on_break"
    assert err.value.extra["next_open"] == "2026-11-24T13:00:00+05:00"
    t.refresh_from_db()
    assert (t.status, t.window_id) == (Status.WAITING, None)
    called = services.call_next_ticket(window=window("central", 2), actor=user("admin"))
    assert called is not None and called.pk == t.pk


def test_q4_call_next_when_the_office_is_closed_is_refused(demo: None, clock: Clock) -> None:
    t = services.issue_ticket(office_code="sc1", service_code="household", actor=None).ticket
    clock.at = datetime(2026, 11, 24, 18, 30, tzinfo=ASTANA)
    with pytest.raises(DomainError) as err:
        services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    assert err.value.code == "office_closed"
    assert err.value.extra["next_open"] == "2026-11-25T09:00:00+05:00"
    t.refresh_from_db()
    assert t.status == Status.WAITING


def test_q4_the_console_shows_the_break_and_refuses_with_409(
    client: Client, demo: None, clock: Clock, make_operator: Any
) -> None:
    make_operator("op_c1", "central", 1)
    clock.at = datetime(2026, 11, 24, 12, 10, tzinfo=ASTANA)
    services.issue_ticket(office_code="central", service_code="legal", actor=None)
    client.force_login(user("op_c1"))
    base = f"/staff/queue/window/{window('central', 1).pk}/"
    page = client.get(base).content.decode()
    assert "eq-state-break" in page
    r = client.post(f"{base}call/")
    assert r.status_code == 409
    assert "window_on_break" in r.content.decode()
    assert Ticket.objects.get().status == Status.WAITING
