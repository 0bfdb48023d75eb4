"""K-7, W-7, ORG-4: reception slots are generated from the published hours on working days
only (a Kazakhstan public holiday has no reception), idempotently."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core.management import call_command

from abonent.appeals.reception.models import Booking, ReceptionSlot, Weekday
from abonent.appeals.reception.rules import HoursLine, plan_slots
from abonent.appeals.reception.services import generate_slots
from abonent.core.models import AuditEntry
from abonent.workdays.calendar import TIMEZONE, DayReason, WorkCalendar
from abonent.workdays.models import CalendarOverride

from .conftest import add_hours, new_appeal

# The week of Independence Day: Monday 14 to Friday 18 December 2026.
MONDAY = date(2026, 12, 14)
HOLIDAY = date(2026, 12, 16)
BEFORE = datetime(2026, 12, 1, 9, 0, tzinfo=TIMEZONE)


def _at(d: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(d, time(hh, mm), tzinfo=TIMEZONE)


def _days() -> dict[date, int]:
    out: dict[date, int] = {}
    for s in ReceptionSlot.objects.all():
        d = s.starts_at.astimezone(TIMEZONE).date()
        out[d] = out.get(d, 0) + 1
    return out


@pytest.fixture
def weekly(official):
    for wd in range(5):
        add_hours(official, wd, "10:00", "12:00", 30)
    return official


def test_the_holiday_in_this_test_is_a_kz_public_holiday() -> None:
    assert WorkCalendar().day(HOLIDAY).reason == DayReason.HOLIDAY


def test_k7_slots_only_on_working_days_and_none_on_independence_day(weekly) -> None:
    done = generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    assert done.created == 16
    assert _days() == {
        date(2026, 12, 14): 4,
        date(2026, 12, 15): 4,
        date(2026, 12, 17): 4,
        date(2026, 12, 18): 4,
    }
    first = ReceptionSlot.objects.order_by("starts_at").first()
    assert (first.starts_at, first.ends_at) == (_at(MONDAY, 10), _at(MONDAY, 10, 30))
    assert first.place_kk == "201 каб., Демо-Орталық к-сі, 1"


def test_generation_is_idempotent(weekly) -> None:
    generate_slots(weeks=2, today=MONDAY, now=BEFORE)
    ids = sorted(ReceptionSlot.objects.values_list("pk", flat=True))
    again = generate_slots(weeks=2, today=MONDAY, now=BEFORE)
    assert (again.created, again.updated, again.withdrawn, again.removed) == (0, 0, 0, 0)
    assert sorted(ReceptionSlot.objects.values_list("pk", flat=True)) == ids


def test_a_slot_shorter_than_the_length_at_the_end_is_not_offered(official) -> None:
    add_hours(official, Weekday.MONDAY, "10:00", "11:00", 25)
    generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    assert list(ReceptionSlot.objects.values_list("starts_at", "ends_at")) == [
        (_at(MONDAY, 10), _at(MONDAY, 10, 25)),
        (_at(MONDAY, 10, 25), _at(MONDAY, 10, 50)),
    ]


def test_no_slot_is_made_in_the_past(official) -> None:
    add_hours(official, Weekday.MONDAY, "10:00", "12:00", 30)
    generate_slots(weeks=1, today=MONDAY, now=_at(MONDAY, 10, 45))
    assert [s.starts_at for s in ReceptionSlot.objects.all()] == [
        _at(MONDAY, 11),
        _at(MONDAY, 11, 30),
    ]


def test_a_day_made_non_working_later_loses_its_free_slots_but_keeps_booked_ones(
    weekly, demo
) -> None:
    """A staff override (a newly decreed day off) applies on the next run; a consumer who
    was already given a time keeps it until staff cancel it."""
    generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    booked = ReceptionSlot.objects.get(starts_at=_at(date(2026, 12, 17), 10))
    cancelled = ReceptionSlot.objects.get(starts_at=_at(date(2026, 12, 17), 10, 30))
    appeal = new_appeal()
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.get(username="clerk")
    Booking.objects.create(slot=booked, appeal=appeal, source="written", booked_by=clerk)
    Booking.objects.create(
        slot=cancelled, appeal=new_appeal(), source="written", booked_by=clerk, cancelled_at=BEFORE
    )
    CalendarOverride.objects.create(day=date(2026, 12, 17), working=False, basis="test decree")

    done = generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    assert (done.removed, done.withdrawn, done.kept_booked) == (2, 1, 1)
    left = {
        s.starts_at: s.is_open
        for s in ReceptionSlot.objects.filter(
            starts_at__date__gte=date(2026, 12, 17), starts_at__date__lt=date(2026, 12, 18)
        )
    }
    assert left == {_at(date(2026, 12, 17), 10): True, _at(date(2026, 12, 17), 10, 30): False}
    assert AuditEntry.objects.filter(action="reception.slots_generated").count() == 2


def test_changed_hours_move_free_slots_and_update_their_place(official) -> None:
    hours = add_hours(official, Weekday.MONDAY, "10:00", "11:00", 30)
    generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    hours.slot_minutes = 20
    hours.place_ru = "каб. 305"
    hours.save()
    done = generate_slots(weeks=1, today=MONDAY, now=BEFORE)
    assert (done.created, done.updated, done.removed) == (2, 1, 1)
    assert list(ReceptionSlot.objects.values_list("starts_at", "place_ru")) == [
        (_at(MONDAY, 10), "каб. 305"),
        (_at(MONDAY, 10, 20), "каб. 305"),
        (_at(MONDAY, 10, 40), "каб. 305"),
    ]


def test_inactive_officials_and_hours_give_no_slots(official, other_official) -> None:
    add_hours(official, Weekday.MONDAY, "10:00", "11:00", 30)
    h = add_hours(other_official, Weekday.MONDAY, "10:00", "11:00", 30)
    h.is_active = False
    h.save()
    official.is_active = False
    official.save()
    assert generate_slots(weeks=1, today=MONDAY, now=BEFORE).created == 0


def test_plan_slots_is_a_pure_rule() -> None:
    line = HoursLine(1, 1, Weekday.FRIDAY, time(9), time(10), 60, "a", "b")
    days = plan_slots([line], date(2027, 1, 1), date(2027, 1, 15), WorkCalendar().is_working_day)
    # 1 January 2027 (Friday) is New Year's Day: the first reception is on the 8th.
    assert [p.starts_at.date() for p in days] == [date(2027, 1, 8), date(2027, 1, 15)]


def test_the_management_command_reports_and_refuses_bad_weeks(weekly, capsys) -> None:
    from django.core.management.base import CommandError

    call_command("generate_reception_slots", "--weeks", "2")
    assert "slots created" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("generate_reception_slots", "--weeks", "0")
