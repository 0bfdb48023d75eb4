"""V-2: a change of time must reach the consumer no later than 2 hours before the time
agreed earlier. Later, a planner is refused (422 change_too_late, nothing changes); a head
overrides only with a reason; the override is recorded, audited and reported on the board;
every notice of the old time and its status is kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from abonent.core.models import AuditEntry
from abonent.visits.models import NoticeStatus, Visit, VisitChange, VisitNotice
from abonent.visits.tests.conftest import ASTANA, NEXT_TUESDAY, plan

pytestmark = pytest.mark.django_db
NEW_START = datetime(2026, 12, 1, 14, 0, tzinfo=ASTANA)


def _move(api, visit: Visit, **extra):
    return api.post(
        f"/{visit.pk}/reschedule",
        {
            "starts_at": NEW_START.isoformat(),
            "ends_at": (NEW_START + timedelta(hours=1)).isoformat(),
            **extra,
        },
    )


def test_a_change_in_time_is_accepted_and_announced(api_as, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY - timedelta(hours=2))  # exactly the deadline: still in time
    res = _move(api_as("senior_operator"), visit)
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["late"] is False
    assert body["deadline"] == "2026-12-01T08:00:00+05:00"
    assert body["visit"]["starts_at"] == "2026-12-01T14:00:00+05:00"
    kinds = sorted((n["kind"], n["channel"], n["status"]) for n in body["visit"]["notices"])
    assert kinds == [
        ("changed", "email", "queued"),
        ("changed", "sms", "queued"),
        ("planned", "email", "superseded"),  # never sent: it announced the old time
        ("planned", "letter", "superseded"),  # not printed yet: it had the old time too
        ("planned", "sms", "superseded"),
    ]
    assert VisitChange.objects.get(visit=visit).late is False
    assert AuditEntry.objects.filter(action="visit.rescheduled").count() == 1


def test_a_late_change_is_refused_without_a_heads_override(api_as, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY - timedelta(hours=2) + timedelta(minutes=1))
    before = list(VisitNotice.objects.values_list("id", "status"))
    res = _move(api_as("senior_operator"), visit, override_reason="очень надо")
    assert res.status_code == 422
    assert res.json()["code"] == "change_too_late"
    assert res.json()["deadline"] == "2026-12-01T08:00:00+05:00"
    visit.refresh_from_db()
    assert visit.starts_at == NEXT_TUESDAY
    assert VisitChange.objects.count() == 0
    assert list(VisitNotice.objects.values_list("id", "status")) == before


def test_a_head_overrides_a_late_change_only_with_a_reason(api_as, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY - timedelta(minutes=30))
    api = api_as("head")
    res = _move(api, visit)
    assert res.status_code == 422
    assert res.json()["code"] == "override_reason_required"
    assert VisitChange.objects.count() == 0
    res = _move(api, visit, override_reason="Авария на подстанции, бригада занята")
    assert res.status_code == 200, res.json()
    assert res.json()["late"] is True
    change = VisitChange.objects.get(visit=visit)
    assert change.late is True
    assert change.override_reason == "Авария на подстанции, бригада занята"
    assert change.changed_by.username == "head"
    entry = AuditEntry.objects.get(action="visit.late_change")
    assert entry.note == "Авария на подстанции, бригада занята"
    # the late change notice is due at once
    due = {n.due_at for n in VisitNotice.objects.filter(kind="changed")}
    assert due == {NEXT_TUESDAY - timedelta(minutes=30)}


def test_the_late_change_is_reported_on_the_planners_board(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY - timedelta(minutes=30))
    _move(api_as("head"), visit, override_reason="Авария на подстанции")
    client.login(username="manager", password="demo")
    page = client.get("/staff/visits/?day=2026-12-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Авария на подстанции" in html
    assert f"#{visit.pk}" in html


def test_a_finished_visit_cannot_be_rescheduled(api_as, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY + timedelta(minutes=30))
    assert api_as("controller").post(f"/{visit.pk}/outcome", {"outcome": "done"}).status_code == 200
    res = _move(api_as("head"), visit, override_reason="ошибка")
    assert res.status_code == 409
    assert res.json()["code"] == "visit_closed"
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.starts_at) == ("finished", "done", NEXT_TUESDAY)
    assert VisitChange.objects.count() == 0
    assert VisitNotice.objects.filter(status=NoticeStatus.SUPERSEDED).count() == 0
