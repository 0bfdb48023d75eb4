"""Bad input gets a clear 4xx and stores nothing: a visit in the past, outside working
hours or on a holiday, an unknown employee, an unknown purpose or account, a window that
ends before it starts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from abonent.core.models import AuditEntry
from abonent.visits.models import Visit
from abonent.visits.tests.conftest import ASTANA, NEXT_TUESDAY, TUESDAY_10, visit_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            visit_body(TUESDAY_10 - timedelta(days=1), urgent=True, urgency_reason="x"),
            422,
            "in_the_past",
        ),
        (visit_body(datetime(2026, 12, 1, 8, 0, tzinfo=ASTANA)), 422, "outside_working_hours"),
        (visit_body(datetime(2026, 12, 1, 17, 0, tzinfo=ASTANA)), 422, "outside_working_hours"),
        (
            visit_body(datetime(2026, 12, 5, 10, 0, tzinfo=ASTANA)),
            422,
            "outside_working_hours",
        ),  # Saturday
        (
            visit_body(datetime(2026, 12, 16, 10, 0, tzinfo=ASTANA)),
            422,
            "outside_working_hours",
        ),  # Independence Day
        (visit_body(NEXT_TUESDAY, hours=-1), 422, "invalid_window"),
        (visit_body(NEXT_TUESDAY, employees=["nobody"]), 422, "unknown_employee"),
        (
            visit_body(NEXT_TUESDAY, employees=["operator"]),
            422,
            "unknown_employee",
        ),  # not field staff
        (visit_body(NEXT_TUESDAY, purpose="party"), 422, "unknown_purpose"),
        (visit_body(NEXT_TUESDAY, account="000"), 422, "unknown_account"),
        (visit_body(NEXT_TUESDAY, appeal="2026-999999"), 422, "unknown_appeal"),
        (visit_body(NEXT_TUESDAY, phone="12"), 422, "invalid_phone"),
        (
            visit_body(NEXT_TUESDAY, phone="", email="", print_letter=False),
            422,
            "no_notice_channel",
        ),
        ({"address": "x"}, 422, "validation_error"),
    ],
)
def test_bad_input_is_refused_with_a_code(api_as, clock, body, status, code) -> None:
    res = api_as("head").post("", body)
    assert res.status_code == status, res.json()
    assert res.json()["code"] == code
    assert Visit.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="visit.").exists()


def test_the_time_zone_of_the_input_is_respected(api_as, clock) -> None:
    # 04:00 UTC is 09:00 in Astana (no daylight saving time)
    body = visit_body(NEXT_TUESDAY)
    body["starts_at"] = "2026-12-01T04:00:00Z"
    body["ends_at"] = "2026-12-01T05:00:00Z"
    res = api_as("head").post("", body)
    assert res.status_code == 201
    assert res.json()["starts_at"] == "2026-12-01T09:00:00+05:00"
