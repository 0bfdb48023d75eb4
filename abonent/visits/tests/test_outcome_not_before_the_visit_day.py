"""The employee records the outcome of a visit (done, consumer absent, refused entry,
rescheduled) from the visit's day on; before it the answer is 409 ``not_today`` and the visit,
its code and its notices stay as they were."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.models import Visit
from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db


def test_an_outcome_the_day_before_is_refused(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY - timedelta(hours=10, minutes=1))  # Monday 23:59 in Astana
    res = api_as("controller").post(f"/{visit.pk}/outcome", {"outcome": "done"})
    assert res.status_code == 409
    assert res.json()["code"] == "not_today"
    fresh = Visit.objects.get(pk=visit.pk)
    assert (fresh.status, fresh.outcome, fresh.code_active, fresh.finished_at) == (
        "planned",
        "",
        True,
        None,
    )
    clock.set(NEXT_TUESDAY - timedelta(hours=10))  # Tuesday 00:00: the visit's day
    assert client.get("/api/v1/visits/verify", {"code": code_of(visit)}).status_code == 200
    res = api_as("controller").post(f"/{visit.pk}/outcome", {"outcome": "consumer_absent"})
    assert res.status_code == 200
    assert res.json()["outcome"] == "consumer_absent"
