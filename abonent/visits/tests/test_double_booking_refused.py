"""An employee cannot be booked for two overlapping visits (409 double_booking); adjacent
windows are fine; a cancelled visit frees the time; the refused plan stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.models import Visit, VisitNotice
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan, visit_body

pytestmark = pytest.mark.django_db


def test_an_overlapping_visit_of_the_same_employee_is_refused(api_as, clock) -> None:
    first = plan(NEXT_TUESDAY)  # 10:00-12:00
    api = api_as("head")
    res = api.post(
        "", visit_body(NEXT_TUESDAY + timedelta(hours=1), employees=["engineer", "controller"])
    )
    assert res.status_code == 409
    assert res.json()["code"] == "double_booking"
    assert res.json()["conflicts"] == [{"employee": "controller", "visit": first.pk}]
    assert Visit.objects.count() == 1
    assert VisitNotice.objects.count() == 3
    # back to back is fine, and another employee at the same time too
    assert api.post("", visit_body(NEXT_TUESDAY + timedelta(hours=2))).status_code == 201
    assert api.post("", visit_body(NEXT_TUESDAY, employees=["engineer"])).status_code == 201


def test_a_cancelled_visit_frees_the_time(api_as, clock) -> None:
    first = plan(NEXT_TUESDAY)
    api = api_as("head")
    assert api.post(f"/{first.pk}/cancel", {"reason": "Отменено"}).status_code == 200
    assert api.post("", visit_body(NEXT_TUESDAY)).status_code == 201


def test_rescheduling_onto_another_visit_is_refused(api_as, clock) -> None:
    plan(NEXT_TUESDAY)
    second = plan(NEXT_TUESDAY + timedelta(hours=4))  # 14:00-16:00
    res = api_as("head").post(
        f"/{second.pk}/reschedule",
        {
            "starts_at": (NEXT_TUESDAY + timedelta(hours=1)).isoformat(),
            "ends_at": (NEXT_TUESDAY + timedelta(hours=3)).isoformat(),
        },
    )
    assert res.status_code == 409
    assert res.json()["code"] == "double_booking"
    second.refresh_from_db()
    assert second.starts_at == NEXT_TUESDAY + timedelta(hours=4)
