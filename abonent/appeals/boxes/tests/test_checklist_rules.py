"""K-2 / K-6: the operator's completeness checklist and the overdue rule (pure functions)."""

from __future__ import annotations

from datetime import date

import pytest

from abonent.appeals.boxes.checklist import Paper, collect_by, is_overdue, run_checks
from abonent.workdays.calendar import Override, WorkCalendar

TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь."


def test_k2_complete_individual_passes_every_check() -> None:
    checks = run_checks(
        Paper("individual", TEXT, last_name="Иванов", first_name="Иван", phone="+77011234567")
    )
    assert checks == {"surname": True, "first_name": True, "contact": True, "substance": True}


def test_k2_individual_without_name_or_contacts_fails_those_checks() -> None:
    checks = run_checks(Paper("individual", TEXT, last_name="Иванов"))
    assert checks == {"surname": True, "first_name": False, "contact": False, "substance": True}


def test_k2_any_one_contact_is_enough_for_an_individual() -> None:
    for contact in ({"postal_address": "Астана"}, {"email": "a@b.kz"}, {"phone": "123456"}):
        paper = Paper("individual", TEXT, last_name="И", first_name="И", **contact)
        assert run_checks(paper)["contact"] is True


def test_k2_legal_entity_needs_name_number_date_email_phone_and_signature() -> None:
    full = Paper(
        "legal_entity",
        TEXT,
        org_name="ТОО «Ромашка»",
        outgoing_number="12",
        outgoing_date=date(2026, 11, 2),
        email="a@b.kz",
        phone="+77172000000",
        signed=True,
    )
    assert all(run_checks(full).values())
    unsigned = Paper("legal_entity", TEXT, org_name="ТОО «Ромашка»", email="a@b.kz")
    assert run_checks(unsigned) == {
        "org_name": True,
        "outgoing_number": False,
        "outgoing_date": False,
        "email": True,
        "phone": False,
        "signed": False,
        "substance": True,
    }


def test_k2_anonymous_paper_is_flagged_as_not_named_c6() -> None:
    checks = run_checks(Paper("anonymous", TEXT))
    assert checks == {"applicant_named": False, "contact": False, "substance": True}


def test_k2_a_text_without_substance_is_flagged() -> None:
    checks = run_checks(
        Paper("individual", "см. выше", last_name="И", first_name="И", email="a@b.kz")
    )
    assert checks["substance"] is False


CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("taken", "today", "overdue"),
    [
        (date(2026, 11, 25), date(2026, 11, 26), False),  # Wed → Thu: the next working day
        (date(2026, 11, 25), date(2026, 11, 27), True),  # Fri: Thu has passed
        (date(2026, 11, 20), date(2026, 11, 21), False),  # Fri → Sat
        (date(2026, 11, 20), date(2026, 11, 23), False),  # Fri → Mon (weekend not counted)
        (date(2026, 11, 20), date(2026, 11, 24), True),  # Tue: Mon has passed
        (date(2026, 11, 21), date(2026, 11, 23), False),  # taken on a Saturday → Mon
        (date(2026, 11, 21), date(2026, 11, 24), True),
    ],
)
def test_k6_overdue_across_a_weekend(taken: date, today: date, overdue: bool) -> None:
    assert is_overdue(taken, today, CAL) is overdue


def test_k6_overdue_across_nauryz_holidays_and_carry_overs() -> None:
    # Fri 20 March 2026; 21-23 March are Nauryz, 24-25 its carry-overs: next working day 26.
    assert collect_by(date(2026, 3, 20), CAL) == date(2026, 3, 26)
    assert is_overdue(date(2026, 3, 20), date(2026, 3, 25), CAL) is False
    assert is_overdue(date(2026, 3, 20), date(2026, 3, 26), CAL) is False
    assert is_overdue(date(2026, 3, 20), date(2026, 3, 27), CAL) is True


def test_k6_overdue_follows_a_staff_override() -> None:
    # A day off decreed for Mon 23 Nov 2026 moves the collection day to Tuesday.
    cal = WorkCalendar([Override(day=date(2026, 11, 23), working=False, basis="decree")])
    assert collect_by(date(2026, 11, 20), cal) == date(2026, 11, 24)
    assert is_overdue(date(2026, 11, 20), date(2026, 11, 24), cal) is False
    assert is_overdue(date(2026, 11, 20), date(2026, 11, 25), cal) is True
