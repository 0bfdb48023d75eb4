"""Demo data: the organisation of the procedure (ORG-1..ORG-5) with its exact hours, and one
user per role. Re-running keeps what is there: rows are created only when missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from abonent.core.auth import DEMO_PASSWORD
from abonent.core.models import (
    Department,
    Office,
    OfficeKind,
    Schedule,
    Segment,
    Service,
    StaffProfile,
    Window,
)
from abonent.core.roles import Role

# The procedure's hours (ORG-4). "workday" also covers a weekend day made working by decree.
CENTRAL_HALL = "workday 09:00-18:00"
SERVICE_CENTRE = "workday 09:00-18:00\nsat 09:00-13:00\nlast_sun 09:00-13:00"
CONTRACTS = "workday 09:00-13:00"
# The cash hall's technical break: the procedure names it without a time; 16:00-16:15 here.
CASH_HALL = "workday 09:00-18:00 break 16:00-16:15"
CONTACT_CENTRE = "workday 09:00-18:00"
# Sliding lunch: the hall's windows take turns, so the hall itself never closes for lunch.
LUNCH_SLOTS = ["12:00-13:00", "13:00-14:00", "14:00-15:00"]

DEPARTMENTS = [
    ("sales", "Управление сбыта", "Өткізу басқармасы"),
    ("contracts", "Договорной отдел", "Шарт бөлімі"),
    ("accounting", "Бухгалтерия", "Бухгалтерия"),
    ("chancellery", "Канцелярия", "Кеңсе"),
    ("contact_center", "Контакт-центр (справочная служба)", "Байланыс орталығы (анықтама қызметі)"),
    ("management", "Руководство", "Басшылық"),
]


@dataclass(frozen=True)
class OfficeSeed:
    code: str
    kind: str
    segment: str
    name_ru: str
    name_kk: str
    address_ru: str
    address_kk: str
    phone: str


OFFICES = [
    OfficeSeed(
        "central",
        OfficeKind.CENTRAL_OFFICE,
        Segment.LEGAL_ENTITIES,
        "Центральный офис",
        "Орталық кеңсе",
        "г. Астана, ул. Демо-Центральная, 1",
        "Астана қ., Демо-Орталық к-сі, 1",
        "+7 7172 00-00-00",
    ),
    *[
        OfficeSeed(
            f"sc{n}",
            OfficeKind.SERVICE_CENTER,
            Segment.HOUSEHOLDS,
            f"Сервис-центр № {n}",
            f"№ {n} сервис-орталығы",
            f"г. Астана, ул. Демо-Сервисная, {10 * n}",
            f"Астана қ., Демо-Сервис к-сі, {10 * n}",
            f"+7 7172 00-00-0{n}",
        )
        for n in range(1, 5)
    ],
]

# (office code or "*sc", service code, letter, name ru, name kk, department, schedule or None)
SERVICES = [
    (
        "central",
        "legal",
        "A",
        "Обслуживание юридических лиц",
        "Заңды тұлғаларға қызмет көрсету",
        "sales",
        None,
    ),
    ("central", "contracts", "C", "Договорной отдел", "Шарт бөлімі", "contracts", CONTRACTS),
    ("central", "cash", "K", "Касса", "Касса", "accounting", CASH_HALL),
    (
        "*sc",
        "household",
        "A",
        "Консультации, договоры, документы",
        "Кеңес, шарттар, құжаттар",
        "sales",
        None,
    ),
    (
        "*sc",
        "billing",
        "B",
        "Начисления, задолженность, оплата",
        "Есептеу, берешек, төлем",
        "accounting",
        None,
    ),
]

# Windows: central hall 1-8 (legal entities + contracts), cash 9-10, Chancellery 15.
CENTRAL_WINDOWS = [(n, ["legal", "contracts"]) for n in range(1, 9)] + [
    (9, ["cash"]),
    (10, ["cash"]),
    (15, []),
]
SC_WINDOWS = [(1, ["household", "billing"]), (2, ["household", "billing"]), (3, ["billing"])]

USERS: list[tuple[str, str, str, str, str]] = [
    # username, role, last name, first name, position
    ("admin", Role.SYSADMIN, "Админов", "Админ", "Системный администратор"),
    ("hall_admin", Role.HALL_ADMIN, "Жумабекова", "Алия", "Администратор зала"),
    ("operator", Role.OPERATOR, "Серикова", "Дана", "Оператор"),
    ("senior_operator", Role.SENIOR_OPERATOR, "Ахметов", "Ержан", "Старший оператор"),
    ("controller", Role.CONTROLLER, "Нурланов", "Асет", "Контролер"),
    ("cashier", Role.CASHIER, "Ким", "Елена", "Кассир"),
    ("clerk", Role.CLERK, "Оспанова", "Гульнара", "Делопроизводитель"),
    ("engineer", Role.ENGINEER, "Иванов", "Сергей", "Инженер"),
    ("head", Role.HEAD, "Касымов", "Бауыржан", "Начальник сервис-центра"),
    ("chancellery", Role.CHANCELLERY, "Абдрахманова", "Жанар", "Специалист Канцелярии"),
    ("cc_operator", Role.CC_OPERATOR, "Смагулова", "Айгерим", "Оператор контакт-центра"),
    ("executor", Role.EXECUTOR, "Петров", "Андрей", "Ведущий специалист"),
    ("manager", Role.MANAGER, "Тулегенов", "Марат", "Заместитель генерального директора"),
]
USER_PLACES: dict[str, tuple[str | None, str | None, int | None]] = {
    # username: (office, department, window number)
    "hall_admin": ("central", None, None),
    "operator": ("sc1", "sales", 1),
    "senior_operator": ("sc1", "sales", None),
    "head": ("sc1", None, None),
    "cashier": ("central", "accounting", 9),
    "clerk": ("central", "chancellery", None),
    "chancellery": ("central", "chancellery", 15),
    "cc_operator": ("central", "contact_center", None),
    "executor": ("central", "sales", None),
    "manager": ("central", "management", None),
    "controller": ("sc1", "sales", None),
    "engineer": ("sc1", "sales", None),
}


def _schedule(rules: str, **owner: Any) -> None:
    Schedule.objects.get_or_create(**owner, defaults={"rules": rules})


@transaction.atomic
def load_demo(*, stdout: Any = None) -> dict[str, int]:
    created = {"offices": 0, "users": 0}
    for each_role in Role:
        Group.objects.get_or_create(name=each_role.value)

    depts: dict[str, Department] = {}
    for code, ru, kk in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name_ru": ru, "name_kk": kk}
        )
    _schedule(CONTACT_CENTRE, department=depts["contact_center"])
    _schedule(CONTRACTS, department=depts["contracts"])

    offices: dict[str, Office] = {}
    for i, seed in enumerate(OFFICES):
        office, made = Office.objects.get_or_create(
            code=seed.code,
            defaults={
                "kind": seed.kind,
                "segment": seed.segment,
                "name_ru": seed.name_ru,
                "name_kk": seed.name_kk,
                "address_ru": seed.address_ru,
                "address_kk": seed.address_kk,
                "phone": seed.phone,
                "ordering": i,
            },
        )
        created["offices"] += made
        offices[seed.code] = office
        _schedule(CENTRAL_HALL if seed.code == "central" else SERVICE_CENTRE, office=office)

    for office_code, code, letter, ru, kk, dept, rules in SERVICES:
        targets = (
            [c for c in offices if c.startswith("sc")] if office_code == "*sc" else [office_code]
        )
        for target in targets:
            service, _ = Service.objects.get_or_create(
                office=offices[target],
                code=code,
                defaults={
                    "letter": letter,
                    "name_ru": ru,
                    "name_kk": kk,
                    "department": depts[dept],
                },
            )
            if rules:
                _schedule(rules, service=service)

    for office_code, layout in [("central", CENTRAL_WINDOWS)] + [
        (c, SC_WINDOWS) for c in offices if c.startswith("sc")
    ]:
        office = offices[office_code]
        for number, service_codes in layout:
            window, made = Window.objects.get_or_create(office=office, number=number)
            if made:
                window.services.set(Service.objects.filter(office=office, code__in=service_codes))
            if office_code == "central" and number <= 10:
                lunch = LUNCH_SLOTS[(number - 1) % len(LUNCH_SLOTS)]
                base = CASH_HALL.split(" break ")[0] if number > 8 else CENTRAL_HALL
                extra = ", 16:00-16:15" if number > 8 else ""
                _schedule(f"{base} break {lunch}{extra}", window=window)

    User = get_user_model()
    demo_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once
    for username, role, last, first, position in USERS:
        if not User.objects.filter(username=username).exists():
            user = User.objects.create(
                username=username,
                password=demo_hash,
                last_name=last,
                first_name=first,
                is_staff=True,
                is_superuser=username == "admin",
            )
            created["users"] += 1
            user.groups.add(Group.objects.get(name=role))
            place_office, dept_code, window_no = USER_PLACES.get(username, (None, None, None))
            StaffProfile.objects.create(
                user=user,
                position=position,
                employee_number=f"AES-{1000 + created['users']}",
                office=offices.get(place_office) if place_office else None,
                department=depts.get(dept_code) if dept_code else None,
                window=Window.objects.get(office=offices[place_office], number=window_no)
                if place_office and window_no
                else None,
            )
    head = User.objects.filter(username="head").first()
    if head is not None:
        Department.objects.filter(code="sales", head__isnull=True).update(head=head)
    return created
