"""Demo data: The complaint and suggestion book (B-1..B-8) — a book in the central office
(the Chancellery, window No. 15; responsible: the ``chancellery`` user) and in each service
centre (sc1: the ``head`` user; the others have no responsible person yet, so the
Chancellery records their results)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from abonent.appeals.book.models import ComplaintBook
from abonent.core.models import Office, OfficeKind

CENTRAL_LOCATION = ("Канцелярия, окно № 15", "Кеңсе, № 15 терезе")
SC_LOCATION = ("Операционный зал, стойка администратора", "Операциялық зал, әкімші тұғыры")
RESPONSIBLE = {"central": "chancellery", "sc1": "head"}


@transaction.atomic
def load_demo() -> None:
    """Idempotent: keeps existing rows."""
    found = get_user_model().objects.filter(username__in=RESPONSIBLE.values())
    users = {u.username: u for u in found}
    for office in Office.objects.all():
        ru, kk = CENTRAL_LOCATION if office.kind == OfficeKind.CENTRAL_OFFICE else SC_LOCATION
        username = RESPONSIBLE.get(office.code)
        ComplaintBook.objects.get_or_create(
            office=office,
            defaults={
                "location_ru": ru,
                "location_kk": kk,
                "responsible": users.get(username) if username else None,
            },
        )
