"""Staff add a calendar override in the admin, without a deploy; it takes effect at once
and is audited (D-*, "Working day" in requirements.md)."""

import pytest
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_an_override_added_in_the_admin_changes_the_calendar_and_is_audited(
    demo: None, client: Client
) -> None:
    assert client.get("/api/v1/calendar/days/2026-05-29").json()["working"] is True
    client.login(username="admin", password="demo")
    r = client.post(
        "/admin/workdays/calendaroverride/add/",
        {"day": "2026-05-29", "working": "", "basis": "Постановление № 123"},
    )
    assert r.status_code == 302
    body = client.get("/api/v1/calendar/days/2026-05-29").json()
    assert body == {
        "date": "2026-05-29",
        "working": False,
        "reason": "override",
        "name": "Постановление № 123",
    }
    entry = AuditEntry.objects.get(action="calendar_override.added")
    assert entry.actor_label == "admin"
    assert entry.after == {"day": "2026-05-29", "working": False, "basis": "Постановление № 123"}

    override = CalendarOverride.objects.get()
    r = client.post(f"/admin/workdays/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.filter(action="calendar_override.deleted").count() == 1
    assert client.get("/api/v1/calendar/days/2026-05-29").json()["working"] is True


def test_the_admin_speaks_russian(demo: None, client: Client) -> None:
    client.login(username="admin", password="demo")
    page = client.get("/admin/").content.decode()
    assert "Администрирование" in page or "Выйти" in page
