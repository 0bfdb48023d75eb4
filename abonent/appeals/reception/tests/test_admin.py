"""W-7, ORG-4: the reception hours are data an administrator edits; every change of an
official or of a line of hours is in the audit log."""

from __future__ import annotations

from django.test import Client

from abonent.appeals.reception.models import ReceptionHours, ReceptionOfficial
from abonent.core.models import AuditEntry

from .conftest import login

ADD = "/admin/reception/receptionofficial/add/"


def _form(**over: str) -> dict[str, str]:
    data = {
        "full_name": "Ахметова Сауле",
        "position_ru": "Заместитель генерального директора по сбыту",
        "position_kk": "Бас директордың өткізу жөніндегі орынбасары",
        "ordering": "3",
        "is_active": "on",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "hours-0-weekday": "2",
        "hours-0-starts": "15:00",
        "hours-0-ends": "17:00",
        "hours-0-slot_minutes": "20",
        "hours-0-place_ru": "каб. 210",
        "hours-0-place_kk": "210 каб.",
        "hours-0-is_active": "on",
    }
    data.update(over)
    return data


def test_an_administrator_publishes_an_official_with_hours_and_it_is_audited(
    demo, client: Client
) -> None:
    login(client, "admin")
    r = client.post(ADD, _form())
    assert r.status_code == 302, r.content.decode()[:3000]
    official = ReceptionOfficial.objects.get(full_name="Ахметова Сауле")
    hours = ReceptionHours.objects.get(official=official)
    assert (hours.weekday, f"{hours.starts:%H:%M}", hours.slot_minutes) == (2, "15:00", 20)
    assert AuditEntry.objects.for_object(official).get().action == "reception.official_added"
    entry = AuditEntry.objects.for_object(hours).get()
    assert entry.action == "reception.hours_added" and entry.after["place_ru"] == "каб. 210"


def test_hours_that_end_before_they_start_are_refused(demo, client: Client) -> None:
    login(client, "admin")
    r = client.post(ADD, _form(**{"hours-0-ends": "14:00"}))
    assert r.status_code == 200
    assert not ReceptionOfficial.objects.filter(full_name="Ахметова Сауле").exists()
    assert not AuditEntry.objects.filter(action__startswith="reception.").exists()
