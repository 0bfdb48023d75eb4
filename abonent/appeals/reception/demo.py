"""Demo data: Personal reception with management (K-7, W-7) — a deputy general director
(the ``manager`` demo user) and a head of a unit, their weekly hours and the slots of the
coming weeks."""

from __future__ import annotations

from datetime import time

from django.contrib.auth import get_user_model
from django.db import transaction

from abonent.appeals.reception.models import ReceptionHours, ReceptionOfficial, Weekday
from abonent.appeals.reception.services import generate_slots
from abonent.core.models import Department

PLACE_RU = "Центральный офис, каб. {room}, г. Астана, ул. Демо-Центральная, 1"
PLACE_KK = "Орталық кеңсе, {room} каб., Астана қ., Демо-Орталық к-сі, 1"

OFFICIALS = [
    # username or None, full name, position ru, position kk, department, order,
    # [(weekday, from, to, slot minutes, room)]
    (
        "manager",
        "Тулегенов Марат",
        "Заместитель генерального директора",
        "Бас директордың орынбасары",
        "management",
        1,
        [(Weekday.TUESDAY, time(14), time(17), 20, "201")],
    ),
    (
        None,
        "Сейтказиева Динара Болатовна",
        "Начальник Управления сбыта",
        "Өткізу басқармасының бастығы",
        "sales",
        2,
        [
            (Weekday.THURSDAY, time(10), time(12), 15, "305"),
            (Weekday.MONDAY, time(15), time(17), 15, "305"),
        ],
    ),
]


@transaction.atomic
def load_demo() -> None:
    """Idempotent: keeps existing rows."""
    User = get_user_model()
    for username, name, pos_ru, pos_kk, dept, order, hours in OFFICIALS:
        official, _ = ReceptionOfficial.objects.get_or_create(
            full_name=name,
            defaults={
                "user": User.objects.filter(username=username).first() if username else None,
                "position_ru": pos_ru,
                "position_kk": pos_kk,
                "department": Department.objects.filter(code=dept).first(),
                "ordering": order,
            },
        )
        for weekday, starts, ends, minutes, room in hours:
            ReceptionHours.objects.get_or_create(
                official=official,
                weekday=weekday,
                starts=starts,
                defaults={
                    "ends": ends,
                    "slot_minutes": minutes,
                    "place_ru": PLACE_RU.format(room=room),
                    "place_kk": PLACE_KK.format(room=room),
                },
            )
    generate_slots()
