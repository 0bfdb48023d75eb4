"""Reads of the boxes: what each box holds, with the overdue flag (K-6: emptied daily)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from abonent.appeals.boxes import access, checklist
from abonent.appeals.boxes.models import BoxItem, BoxItemQuerySet, Collection, ItemStatus
from abonent.core.models import Office, StaffProfile
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar


def today() -> date:
    return timezone.localdate(timezone=TIMEZONE)


@dataclass(frozen=True)
class Row:
    item: BoxItem
    overdue: bool
    collect_by: date
    personal: bool

    @property
    def missing(self) -> list[str]:
        """What the operator's checklist found missing, in the reader's language."""
        return [checklist.label(code) for code in self.item.failed_checks]


def rows(user: Any, items: list[BoxItem], *, on: date | None = None) -> list[Row]:
    """Items with their overdue flag and whether the reader may see the applicant."""
    on = on or today()
    cal = get_calendar(around=on)
    out = []
    for item in items:
        taken_on = item.taken_at.astimezone(TIMEZONE).date()
        due = checklist.collect_by(taken_on, cal)
        overdue = item.status == ItemStatus.IN_BOX and on > due
        out.append(Row(item, overdue, due, access.sees_personal_data(user, item.office_id)))
    return out


def person(user: Any) -> str:
    """A staff member as Kazakhstan's documents name them: surname first."""
    name = " ".join(p for p in (user.last_name, user.first_name) if p)
    return name or str(user.get_username())


def position(user: Any) -> str:
    return str(
        StaffProfile.objects.filter(user_id=user.pk).values_list("position", flat=True).first()
        or ""
    )


def items_qs() -> BoxItemQuerySet:
    return BoxItem.objects.select_related(
        "office", "taken_by", "collection", "appeal"
    ).only(  # the appeal: its id and number for the links, nothing else
        *[f.name for f in BoxItem._meta.concrete_fields],
        "office__code",
        "office__name_ru",
        "office__name_kk",
        "taken_by__username",
        "taken_by__first_name",
        "taken_by__last_name",
        "collection__number",
        "appeal__incoming_number",
    )


def box_of(office: Office) -> list[BoxItem]:
    return list(items_qs().in_box().filter(office=office).order_by("taken_at", "id"))


@dataclass
class Centre:
    office: Office
    rows: list[Row] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)


def in_boxes_by_centre(user: Any, *, on: date | None = None) -> list[Centre]:
    """Everything in all boxes, grouped by centre in the offices' order."""
    items = list(items_qs().in_box().order_by("office__ordering", "office__code", "taken_at", "id"))
    centres: dict[int, Centre] = {}
    for row in rows(user, items, on=on):
        centres.setdefault(row.item.office_id, Centre(row.item.office)).rows.append(row)
    return list(centres.values())


@dataclass
class ActCentre:
    office: Office
    items: list[BoxItem] = field(default_factory=list)


def collection_items(collection: Collection) -> list[BoxItem]:
    return list(
        items_qs()
        .filter(collection=collection)
        .order_by("office__ordering", "office__code", "taken_at", "id")
    )


def by_centre(items: list[BoxItem]) -> list[ActCentre]:
    centres: dict[int, ActCentre] = {}
    for item in items:
        centres.setdefault(item.office_id, ActCentre(item.office)).items.append(item)
    return list(centres.values())
