"""What the voice menu says that changes: the contact centre's and the offices' hours ("open
now" and the next opening, from the foundation's schedules and the working-day calendar),
and the company's payment details.

The schedules are kept per process (a snapshot watching schedules, their exceptions, offices
and departments), so an announcement costs no query; the calendar is the foundation's own
snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from abonent.cabinet.company import company, payment_links
from abonent.calls.ivr import rules
from abonent.calls.ivr.models import InfoSource
from abonent.calls.ivr.prompts import phrase
from abonent.calls.ivr.tree import Tree
from abonent.core import hours
from abonent.core.lib.snapshot import Snapshot
from abonent.core.models import Department, Office, Schedule, ScheduleException
from abonent.core.schedules import (
    OpenStatus,
    StatusMemo,
    effective_hours,
    schedules_with_exceptions,
    status_of,
)
from abonent.workdays.services import get_calendar

CONTACT_CENTRE = "contact_center"
# CC-2, when the contact centre's department has no schedule in the database.
CONTACT_CENTRE_HOURS = "workday 09:00-18:00"


@dataclass(frozen=True)
class Place:
    name_ru: str
    name_kk: str
    hours: hours.Hours | None

    def name(self, language: str) -> str:
        return self.name_kk if language == "kk" and self.name_kk else self.name_ru


@dataclass(frozen=True)
class Places:
    contact_centre: hours.Hours
    offices: tuple[Place, ...]


def _load(_key: None) -> Places:
    dept = Department.objects.filter(code=CONTACT_CENTRE).first()
    cc = effective_hours(dept) if dept is not None else None
    offices = list(Office.objects.filter(is_active=True))
    by_office = {
        s.office_id: s.as_hours() for s in schedules_with_exceptions().filter(office__in=offices)
    }
    return Places(
        contact_centre=cc or hours.Hours(rules=hours.parse_rules(CONTACT_CENTRE_HOURS)),
        offices=tuple(Place(o.name_ru, o.name_kk, by_office.get(o.pk)) for o in offices),
    )


_places: Snapshot[None, Places] = Snapshot(
    _load, watch=(Schedule, ScheduleException, Office, Department)
)


def _status(h: hours.Hours | None, at: datetime) -> OpenStatus:
    return status_of(h, at, get_calendar(around=timezone.localdate(at)))


_statuses = StatusMemo()  # asked on every menu a caller enters


def contact_centre_status(at: datetime) -> OpenStatus:
    """CC-2: Mon–Fri 09:00–18:00 (the department's schedule), closed on public holidays."""
    cal = get_calendar(around=timezone.localdate(at))
    return _statuses.status("contact_centre", _places.get(None).contact_centre, at, cal)


def when(moment: datetime | None) -> dict[str, str]:
    """A moment as the phrases say it: ``day`` (dd.mm.yyyy) and ``time`` (HH:MM)."""
    if moment is None:
        return {"day": "", "time": ""}
    local = timezone.localtime(moment)
    return {"day": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"}


def closes(status: OpenStatus) -> str:
    return when(status.closes_at)["time"]


def contact_centre_text(tree: Tree, language: str, at: datetime) -> str:
    found = contact_centre_status(at)
    if found.open_now:
        return phrase(tree, "cc_open", language, time=closes(found))
    return phrase(tree, "cc_closed", language, **when(found.next_open))


def office_text(tree: Tree, language: str, at: datetime) -> str:
    lines = []
    for place in _places.get(None).offices:
        if place.hours is None:
            continue
        found = _status(place.hours, at)
        name = place.name(language)
        if found.open_now:
            lines.append(phrase(tree, "office_open", language, office=name, time=closes(found)))
        else:
            lines.append(
                phrase(tree, "office_closed", language, office=name, **when(found.next_open))
            )
    return " ".join(lines)


def payment_text(tree: Tree, language: str) -> str:
    c = company()
    details = phrase(
        tree,
        "payment_details",
        language,
        name=c.name(language),
        bin=rules.spelled(c.bin),
        iban=rules.spelled(c.iban),
        bank=c.bank(language),
        bic=rules.spelled(c.bic),
        kbe=rules.spelled(c.kbe),
    )
    banks = ", ".join(link.name for link in payment_links())
    return f"{details} {phrase(tree, 'payment_banks', language, banks=banks)}" if banks else details


def info_text(source: str, tree: Tree, language: str, at: datetime) -> str:
    if source == InfoSource.CONTACT_CENTRE_HOURS:
        return contact_centre_text(tree, language, at)
    if source == InfoSource.OFFICE_HOURS:
        return office_text(tree, language, at)
    if source == InfoSource.PAYMENT_DETAILS:
        return payment_text(tree, language)
    return ""
