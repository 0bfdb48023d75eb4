"""Hostile or mistyped dates (0001-01-01, 9999-12-31, a time without offset) get a clear 422
from planning, rescheduling and the day list, and the staff pages fall back to today, instead
of an overflow (500) in the calendar or Astana's clock (api.md: "A 500 is always a bug")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.visits.models import Visit, VisitChange
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan, visit_body

pytestmark = pytest.mark.django_db

CASES = [
    ("9999-12-31T10:00:00+05:00", "9999-12-31T12:00:00+05:00", "too_far_ahead"),
    ("9999-12-31T10:00:00-12:00", "9999-12-31T11:00:00-12:00", "too_far_ahead"),
    ("0001-01-01T10:00:00+05:00", "0001-01-01T12:00:00+05:00", "in_the_past"),
    ("0001-01-01T00:00:00+14:00", "0001-01-01T01:00:00+14:00", "in_the_past"),
    ("2026-12-01T10:00:00", "2026-12-01T12:00:00", "invalid_window"),
]


@pytest.mark.parametrize(("starts", "ends", "code"), CASES)
def test_planning_refuses_extreme_times(api_as, clock, starts, ends, code) -> None:
    head = api_as("head")
    head.client = Client(raise_request_exception=False)
    body = visit_body(NEXT_TUESDAY)
    body.update(starts_at=starts, ends_at=ends)
    res = head.post("", body)
    assert res.status_code == 422
    assert res.json()["code"] == code
    assert Visit.objects.count() == 0


def test_a_visit_more_than_a_year_ahead_is_refused(api_as, clock) -> None:
    res = api_as("head").post("", visit_body(NEXT_TUESDAY + timedelta(days=400)))
    assert res.status_code == 422
    assert res.json()["code"] == "too_far_ahead"


@pytest.mark.parametrize(("starts", "ends", "code"), CASES)
def test_rescheduling_refuses_extreme_times(api_as, clock, starts, ends, code) -> None:
    visit = plan(NEXT_TUESDAY)
    head = api_as("head")
    head.client = Client(raise_request_exception=False)
    res = head.post(f"/{visit.pk}/reschedule", {"starts_at": starts, "ends_at": ends})
    assert res.status_code == 422
    assert res.json()["code"] == code
    visit.refresh_from_db()
    assert visit.starts_at == NEXT_TUESDAY
    assert VisitChange.objects.count() == 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_day_list_refuses_days_out_of_range(api_as, clock, day) -> None:
    head = api_as("head")
    head.client = Client(raise_request_exception=False)
    res = head.get("", day=day)
    assert res.status_code == 422
    assert res.json()["code"] == "invalid_day"


@pytest.mark.parametrize("path", ["/staff/visits/", "/staff/visits/my/"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_staff_pages_show_today_for_days_out_of_range(demo, clock, path, day) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="head"))
    res = client.get(path, {"day": day})
    assert res.status_code == 200
    assert res.context["day"] == NEXT_TUESDAY.date() - timedelta(days=7)
