"""POST /api/v1/visits: 201 with notify_by, or 422 notice_too_late for a non-urgent visit
less than 5 working days ahead (V-1), with exact dates around Nauryz and New Year; a refusal
stores nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django_tasks_db.models import DBTaskResult

from abonent.core.models import AuditEntry
from abonent.visits.models import Visit, VisitNotice
from abonent.visits.tests.conftest import ASTANA, NEXT_TUESDAY, visit_body

pytestmark = pytest.mark.django_db


def test_a_visit_five_working_days_ahead_is_planned_with_its_notify_by(api_as, clock) -> None:
    res = api_as("head").post("", visit_body(NEXT_TUESDAY))
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["notify_by"] == "2026-11-24T18:00:00+05:00"
    assert body["status"] == "planned"
    assert [e["username"] for e in body["employees"]] == ["controller"]
    assert sorted((n["channel"], n["status"]) for n in body["notices"]) == [
        ("email", "queued"),
        ("letter", "queued"),
        ("sms", "queued"),
    ]
    assert {n["due_at"] for n in body["notices"]} == {"2026-11-24T18:00:00+05:00"}
    visit = Visit.objects.get()
    assert AuditEntry.objects.filter(action="visit.planned", object_id=str(visit.pk)).count() == 1
    # SMS and e-mail are sent by the worker, letters are printed by staff
    assert DBTaskResult.objects.filter(task_path__endswith="send_visit_notice").count() == 2


@pytest.mark.parametrize(
    ("planned_at", "visit_at", "notify_by"),
    [
        # Nauryz 2026: a visit on Monday 30 March must be announced by Wed 18 March 18:00
        (
            datetime(2026, 3, 18, 17, 59, tzinfo=ASTANA),
            datetime(2026, 3, 30, 10, tzinfo=ASTANA),
            "2026-03-18T18:00:00+05:00",
        ),
        # New Year 2026: Friday 9 January needs the notice by Tue 30 December 2025 18:00
        (
            datetime(2025, 12, 30, 17, 59, tzinfo=ASTANA),
            datetime(2026, 1, 9, 10, tzinfo=ASTANA),
            "2025-12-30T18:00:00+05:00",
        ),
    ],
)
def test_planned_just_in_time_across_holidays(
    api_as, clock, planned_at, visit_at, notify_by
) -> None:
    clock.set(planned_at)
    res = api_as("head").post("", visit_body(visit_at))
    assert res.status_code == 201, res.json()
    assert res.json()["notify_by"] == notify_by


@pytest.mark.parametrize(
    ("planned_at", "visit_at", "notify_by", "earliest"),
    [
        (
            datetime(2026, 3, 18, 18, 0, tzinfo=ASTANA),
            datetime(2026, 3, 30, 10, tzinfo=ASTANA),
            "2026-03-18T18:00:00+05:00",
            "2026-03-31",
        ),
        (
            datetime(2026, 3, 19, 9, 0, tzinfo=ASTANA),
            datetime(2026, 3, 30, 10, tzinfo=ASTANA),
            "2026-03-18T18:00:00+05:00",
            "2026-03-31",
        ),
        (
            datetime(2025, 12, 31, 9, 0, tzinfo=ASTANA),
            datetime(2026, 1, 9, 10, tzinfo=ASTANA),
            "2025-12-30T18:00:00+05:00",
            "2026-01-12",
        ),
    ],
)
def test_too_late_across_holidays_is_refused_and_nothing_is_stored(
    api_as, clock, planned_at, visit_at, notify_by, earliest
) -> None:
    clock.set(planned_at)
    res = api_as("head").post("", visit_body(visit_at))
    assert res.status_code == 422
    body = res.json()
    assert body["code"] == "notice_too_late"
    assert body["notify_by"] == notify_by
    assert body["earliest_date"] == earliest
    assert Visit.objects.count() == 0
    assert VisitNotice.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert not AuditEntry.objects.filter(action="visit.planned").exists()


def test_an_urgent_visit_needs_no_notice_term_but_a_reason(api_as, clock) -> None:
    tomorrow = datetime(2026, 11, 25, 11, tzinfo=ASTANA)
    api = api_as("head")
    res = api.post("", visit_body(tomorrow, urgent=True))
    assert res.status_code == 422
    assert res.json()["code"] == "urgency_reason_required"
    assert Visit.objects.count() == 0
    res = api.post("", visit_body(tomorrow, urgent=True, urgency_reason="Запах гари в щитке"))
    assert res.status_code == 201
    assert res.json()["notify_by"] is None
    assert res.json()["notices"] == []  # told right before departure


def test_employees_cannot_plan(api_as, clock) -> None:
    res = api_as("controller").post("", visit_body(NEXT_TUESDAY))
    assert res.status_code == 403
    assert Visit.objects.count() == 0
