"""V-1 for urgent visits: no notice when planned; when the employee marks "leaving", the
consumer is notified at once (SMS and e-mail through the queue). Only the visit's own
employee (or a planner) can mark it, and only on the visit's day."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from abonent.visits.models import VisitNotice
from abonent.visits.tests.conftest import ASTANA, plan

pytestmark = pytest.mark.django_db
TOMORROW_11 = datetime(2026, 11, 25, 11, tzinfo=ASTANA)


def test_leaving_sends_the_urgent_notice(api_as, clock) -> None:
    visit = plan(TOMORROW_11, urgent=True, urgency_reason="Запах гари")
    assert VisitNotice.objects.count() == 0
    api = api_as("controller")
    assert api.post(f"/{visit.pk}/depart").json()["code"] == "not_today"
    clock.set(TOMORROW_11 - timedelta(minutes=40))
    res = api.post(f"/{visit.pk}/depart")
    assert res.status_code == 200, res.json()
    assert res.json()["status"] == "departed"
    notices = sorted((n["kind"], n["channel"], n["due_at"]) for n in res.json()["notices"])
    assert notices == [
        ("departure", "email", "2026-11-25T10:20:00+05:00"),
        ("departure", "sms", "2026-11-25T10:20:00+05:00"),
    ]
    assert DBTaskResult.objects.filter(task_path__endswith="send_visit_notice").count() == 2


def test_another_employee_cannot_mark_it(api_as, clock) -> None:
    visit = plan(TOMORROW_11, urgent=True, urgency_reason="Запах гари")
    clock.set(TOMORROW_11 - timedelta(minutes=40))
    res = api_as("engineer").post(f"/{visit.pk}/depart")
    assert res.status_code == 403
    visit.refresh_from_db()
    assert visit.status == "planned"
    assert VisitNotice.objects.count() == 0
