"""The demo books (B-1): one per office, with the responsible persons; loading twice keeps
what is there."""

from __future__ import annotations

import pytest

from abonent.appeals.book.demo import load_demo
from abonent.appeals.book.models import ComplaintBook

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_book_per_office_and_is_idempotent(demo: None) -> None:
    load_demo()
    ComplaintBook.objects.filter(office__code="sc2").update(location_ru="У окна № 2")
    load_demo()
    got = {
        b.office.code: (b.responsible.username if b.responsible else None)
        for b in ComplaintBook.objects.select_related("office", "responsible")
    }
    assert got == {"central": "chancellery", "sc1": "head", "sc2": None, "sc3": None, "sc4": None}
    assert ComplaintBook.objects.get(office__code="central").location_ru == "Канцелярия, окно № 15"
    assert ComplaintBook.objects.get(office__code="sc2").location_ru == "У окна № 2"
