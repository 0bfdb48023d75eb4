"""The demo: two officials (the ``manager`` user is the deputy general director) with weekly
hours and slots for the coming weeks; loading twice changes nothing."""

from __future__ import annotations

from abonent.appeals.reception.demo import load_demo
from abonent.appeals.reception.models import ReceptionHours, ReceptionOfficial, ReceptionSlot


def test_demo_is_idempotent_and_has_slots(demo: None) -> None:
    load_demo()
    counts = (
        ReceptionOfficial.objects.count(),
        ReceptionHours.objects.count(),
        ReceptionSlot.objects.count(),
    )
    load_demo()
    assert counts == (
        ReceptionOfficial.objects.count(),
        ReceptionHours.objects.count(),
        ReceptionSlot.objects.count(),
    )
    assert counts[:2] == (2, 3) and counts[2] > 0
    deputy = ReceptionOfficial.objects.get(user__username="manager")
    assert deputy.position_ru == "Заместитель генерального директора"
    assert ReceptionSlot.objects.filter(official=deputy).exists()
