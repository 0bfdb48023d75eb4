"""The demo data (ORG-1..ORG-5): offices, departments, windows, one user per role, and the
hours of the procedure exactly (ORG-4)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from abonent.core import schedules
from abonent.core.models import Department, Office, Service, StaffProfile, Window
from abonent.core.roles import Role

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
USERNAMES = [
    "admin",
    "hall_admin",
    "operator",
    "senior_operator",
    "controller",
    "cashier",
    "clerk",
    "engineer",
    "head",
    "chancellery",
    "cc_operator",
    "executor",
    "manager",
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def test_it_creates_the_organisation_of_the_procedure(demo: None) -> None:
    assert list(Office.objects.values_list("code", "kind", "segment")) == [
        ("central", "central_office", "legal_entities"),
        *[(f"sc{n}", "service_center", "households") for n in range(1, 5)],
    ]
    assert set(Department.objects.values_list("code", flat=True)) == {
        "sales",
        "contracts",
        "accounting",
        "chancellery",
        "contact_center",
        "management",
    }
    assert Window.objects.filter(office__code="central", number=15).exists()


def test_every_role_has_a_demo_user_with_password_demo(demo: None) -> None:
    for username in USERNAMES:
        assert authenticate(username=username, password="demo") is not None, username
    roles = {
        u.username: set(u.groups.values_list("name", flat=True))
        for u in get_user_model().objects.all()
    }
    assert roles["chancellery"] == {Role.CHANCELLERY}
    assert roles["admin"] == {Role.SYSADMIN}
    assert get_user_model().objects.get(username="admin").is_superuser


def test_operator_sits_at_window_1_of_service_centre_1(demo: None) -> None:
    profile = StaffProfile.objects.select_related("window__office").get(user__username="operator")
    assert (profile.window.office.code, profile.window.number) == ("sc1", 1)


def test_rerunning_keeps_what_is_there(demo: None) -> None:
    Office.objects.filter(code="sc2").update(phone="+7 7172 99-99-99")
    user = get_user_model().objects.get(username="clerk")
    user.set_password("changed")
    user.save()
    call_command("seed_demo")
    assert Office.objects.count() == 5
    assert Office.objects.get(code="sc2").phone == "+7 7172 99-99-99"
    assert authenticate(username="clerk", password="changed") is not None
    # One user per role, and the PBX's integration user (#6) that seed_demo adds.
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == sorted(
        [*USERNAMES, "oktell"]
    )


def test_demo_data_and_demo_passwords_are_refused_in_production(demo: None) -> None:
    with override_settings(PRODUCTION=True):
        with pytest.raises(CommandError, match="production"):
            call_command("seed_demo")
        assert authenticate(username="operator", password="demo") is None


@pytest.mark.parametrize(
    ("code", "moment", "open_now"),
    [
        ("sc1", "2026-11-27T09:00", True),  # Friday
        ("sc1", "2026-11-27T17:59", True),
        ("sc1", "2026-11-27T18:00", False),
        ("sc1", "2026-11-28T12:59", True),  # Saturday until 13:00
        ("sc1", "2026-11-28T13:00", False),
        ("sc1", "2026-11-29T10:00", True),  # the last Sunday of November
        ("sc1", "2026-11-22T10:00", False),  # an ordinary Sunday
        ("sc1", "2026-12-16T10:00", False),  # Independence Day
        ("sc1", "2026-03-21T10:00", False),  # Nauryz on a Saturday
        ("central", "2026-11-28T10:00", False),  # the hall is closed on Saturdays
        ("central", "2026-11-29T10:00", False),
        ("central", "2026-11-27T13:30", True),  # sliding lunch: the hall stays open
    ],
)
def test_office_hours_follow_the_procedure(
    demo: None, code: str, moment: str, open_now: bool
) -> None:
    office = Office.objects.get(code=code)
    assert schedules.owner_status(office, at(moment)).open_now is open_now


def test_the_contract_department_receives_until_13(demo: None) -> None:
    contracts = Service.objects.get(office__code="central", code="contracts")
    assert schedules.owner_status(contracts, at("2026-11-27T12:59")).open_now
    status = schedules.owner_status(contracts, at("2026-11-27T13:00"))
    assert not status.open_now
    assert status.next_open == at("2026-11-30T09:00")


def test_the_cash_hall_closes_for_its_technical_break(demo: None) -> None:
    cash = Service.objects.get(office__code="central", code="cash")
    assert not schedules.owner_status(cash, at("2026-11-27T16:05")).open_now
    assert schedules.owner_status(cash, at("2026-11-27T16:15")).open_now


def test_windows_take_turns_for_lunch(demo: None) -> None:
    w1 = Window.objects.get(office__code="central", number=1)
    w2 = Window.objects.get(office__code="central", number=2)
    assert not schedules.owner_status(w1, at("2026-11-27T12:30")).open_now
    assert schedules.owner_status(w2, at("2026-11-27T12:30")).open_now
    assert not schedules.owner_status(w2, at("2026-11-27T13:30")).open_now


def test_contact_centre_next_opening_after_friday_evening_is_monday(demo: None) -> None:
    status = schedules.department_status("contact_center", at("2026-11-27T18:00"))
    assert status is not None and not status.open_now
    assert status.next_open == at("2026-11-30T09:00")
    sc = schedules.owner_status(Office.objects.get(code="sc1"), at("2026-11-27T18:00"))
    assert sc.next_open == at("2026-11-28T09:00")


def test_office_statuses_use_a_fixed_number_of_queries(
    demo: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        result = schedules.office_statuses(at("2026-11-27T10:00"))
    assert [s.open_now for _, s in result] == [True] * 5
