"""Q-2, Q-3, ORG-4: taking a ticket — numbers restart daily per service, closed hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from abonent.core.models import Service
from abonent.equeue import services
from abonent.equeue.models import Priority, Ticket
from abonent.equeue.tests.conftest import ASTANA, Api, Clock, hall_admin_in, user

pytestmark = pytest.mark.django_db


def issue(code: str = "household", office: str = "sc1", **kw: str) -> services.Issued:
    return services.issue_ticket(office_code=office, service_code=code, actor=None, **kw)


def test_q2_numbers_are_letter_and_padded_sequence_per_service(demo: None, clock: Clock) -> None:
    assert [issue().ticket.number for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue("billing").ticket.number == "B001"
    assert issue(office="sc2").ticket.number == "A001"


def test_q2_numbering_restarts_the_next_day(demo: None, clock: Clock) -> None:
    issue()
    issue()
    clock.tick(days=1)
    t = issue().ticket
    assert (t.number, t.seq, t.day.isoformat()) == ("A001", 1, "2026-11-25")


def test_q2_position_and_estimated_wait_use_the_default_service_time(
    demo: None, clock: Clock
) -> None:
    issue()
    issue()
    third = issue()
    # Two tickets ahead, 5 minutes each (default), two windows serve "household" at sc1.
    assert (third.place.position, third.place.estimated_wait_minutes) == (3, 5)


def test_org4_closed_service_answers_409_closed_with_next_open(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    clock.at = datetime(2026, 11, 22, 10, 0, tzinfo=ASTANA)  # an ordinary Sunday
    r = api_as(None).post("/tickets", {"office": "sc1", "service": "household"})
    assert r.status_code == 409
    assert r.json()["code"] == "closed"
    assert r.json()["next_open"] == "2026-11-23T09:00:00+05:00"
    assert r.json()["message"] == "Сейчас эта услуга не работает."
    assert Ticket.objects.count() == 0


def test_q2_unknown_service_is_404_and_inactive_service_is_422(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    kiosk = api_as(None)
    assert kiosk.post("/tickets", {"office": "sc1", "service": "nope"}).status_code == 404
    Service.objects.filter(office__code="sc1", code="billing").update(is_active=False)
    r = kiosk.post("/tickets", {"office": "sc1", "service": "billing"})
    assert (r.status_code, r.json()["code"]) == (422, "service_inactive")
    assert Ticket.objects.count() == 0


def test_q2_kiosk_ticket_json(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    r = api_as(None).post("/tickets", {"office": "sc1", "service": "billing"})
    assert r.status_code == 201
    body = r.json()
    assert {k: body[k] for k in ("number", "office", "service", "status", "position")} == {
        "number": "B001",
        "office": "sc1",
        "service": "billing",
        "status": "waiting",
        "position": 1,
    }
    assert body["estimated_wait_minutes"] == 0
    assert Ticket.objects.get().issued_by is None


def test_q3_only_a_hall_administrator_gives_a_priority(
    api_as: Callable[[str | None], Api], clock: Clock
) -> None:
    body = {"office": "sc1", "service": "household", "priority": "elderly"}
    r = api_as(None).post("/tickets", body)
    assert (r.status_code, r.json()["code"]) == (403, "priority_forbidden")
    r = api_as("operator").post("/tickets", body)
    assert r.status_code == 403
    assert Ticket.objects.count() == 0
    r = api_as("hall_admin").post("/tickets", body)  # seated in central
    assert (r.status_code, r.json()["code"]) == (403, "priority_forbidden")
    hall_admin_in("sc1")
    r = api_as("hall_admin").post("/tickets", body)
    assert r.status_code == 201
    t = Ticket.objects.get()
    assert (t.priority, t.issued_by) == (Priority.ELDERLY, user("hall_admin"))


def test_q1_offices_list_is_public(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    issue()
    r = api_as(None).get("/offices")
    assert r.status_code == 200
    sc1 = next(o for o in r.json() if o["code"] == "sc1")
    household = next(s for s in sc1["services"] if s["code"] == "household")
    assert (sc1["open_now"], household["open_now"], household["waiting"]) == (True, True, 1)
    assert [w["number"] for w in sc1["windows"]] == [1, 2, 3]
    assert [s["code"] for s in sc1["services"]] == ["billing", "household"]
    central = next(o for o in r.json() if o["code"] == "central")
    contracts = next(s for s in central["services"] if s["code"] == "contracts")
    assert contracts["open_now"] is True  # its own hours, 09:00-13:00 on working days


def test_q1_offices_list_takes_a_fixed_number_of_queries(
    api_as: Callable[[str | None], Api], clock: Clock, django_assert_max_num_queries: Any
) -> None:
    kiosk = api_as(None)
    kiosk.get("/offices")  # warms the per-process calendar snapshot
    with django_assert_max_num_queries(8):
        assert kiosk.get("/offices").status_code == 200


def test_q2_the_kiosk_is_rate_limited(api_as: Callable[[str | None], Api], clock: Clock) -> None:
    cache.clear()
    try:
        with override_settings(ABONENT_RATE_LIMIT_OVERRIDES={"queue-ticket": (2, 60)}):
            kiosk = api_as(None)
            body = {"office": "sc1", "service": "household"}
            codes = [kiosk.post("/tickets", body).status_code for _ in range(3)]
            assert codes == [201, 201, 429]
            assert api_as("hall_admin").post("/tickets", body).status_code == 201
    finally:
        cache.clear()
    assert Ticket.objects.count() == 3
