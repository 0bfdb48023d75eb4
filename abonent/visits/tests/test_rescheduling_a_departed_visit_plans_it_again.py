"""V-2: when the employee has pressed "Leaving" and the visit is then moved to another time,
the visit is planned again (not "on the way" to a time that no longer holds); on the new day
"Leaving" works again and, for an urgent visit, tells the consumer again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.models import NoticeKind, VisitNotice
from abonent.visits.tests.conftest import TUESDAY_10

pytestmark = pytest.mark.django_db


def test_a_departed_urgent_visit_moved_to_tomorrow_is_planned_again(api_as, clock) -> None:
    head = api_as("head")
    starts = TUESDAY_10 + timedelta(hours=4)  # today 14:00-15:00
    res = head.post(
        "",
        {
            "address": "г. Астана, ул. Секретная, 99",
            "phone": "+77019998877",
            "purpose": "disconnection",
            "reason": "Утечка",
            "employees": ["engineer"],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "urgent": True,
            "urgency_reason": "Авария",
        },
    )
    assert res.status_code == 201, res.json()
    pk = res.json()["id"]
    clock.set(TUESDAY_10 + timedelta(hours=1))
    engineer = api_as("engineer")
    assert engineer.post(f"/{pk}/depart").json()["status"] == "departed"
    tomorrow = starts + timedelta(days=1)
    res = head.post(
        f"/{pk}/reschedule",
        {"starts_at": tomorrow.isoformat(), "ends_at": (tomorrow + timedelta(hours=1)).isoformat()},
    )
    assert res.status_code == 200, res.json()
    assert res.json()["visit"]["status"] == "planned"
    clock.set(tomorrow - timedelta(hours=1))
    res = engineer.post(f"/{pk}/depart")
    assert res.status_code == 200, res.json()
    assert res.json()["status"] == "departed"
    departures = VisitNotice.objects.filter(visit_id=pk, kind=NoticeKind.DEPARTURE)
    assert departures.filter(starts_at=tomorrow).count() == 1
    assert departures.count() == 2
