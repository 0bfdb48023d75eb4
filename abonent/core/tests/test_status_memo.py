"""StatusMemo (core/schedules.py): the busiest callers' memo of ``status_of`` gives, at
every moment, exactly what ``status_of`` gives — across openings, breaks, closings and
non-working days — and works the status out again when the hours or the calendar change."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from abonent.core.hours import Hours, parse_rules
from abonent.core.schedules import StatusMemo, status_of
from abonent.workdays.calendar import WorkCalendar

ASTANA = ZoneInfo("Asia/Almaty")
CASH_HALL = Hours(parse_rules("mon-fri 09:00-18:00 break 13:00-14:00, 11:00-11:15"))
SATURDAY = Hours(parse_rules("mon-fri 09:00-18:00\nsat 10:00-14:00:30\nlast_sun 09:00-13:00"))


def test_the_memo_answers_as_status_of_at_every_moment() -> None:
    cal = WorkCalendar()
    memo = StatusMemo()
    start = datetime(2026, 3, 6, 0, 0, tzinfo=ASTANA)  # a Friday, through Monday
    for hours in (CASH_HALL, SATURDAY):
        moment = start
        while moment < start + timedelta(days=4):
            assert memo.status("office", hours, moment, cal) == status_of(hours, moment, cal)
            moment += timedelta(seconds=97)  # lands on both sides of every boundary


def test_the_memo_forgets_when_the_hours_or_the_calendar_change_or_time_goes_back() -> None:
    memo = StatusMemo()
    cal = WorkCalendar()
    ten = datetime(2026, 3, 6, 10, 0, tzinfo=ASTANA)
    assert memo.status("w", CASH_HALL, ten, cal).open_now
    closed_all_day = Hours(parse_rules("sat 10:00-12:00"))
    assert not memo.status("w", closed_all_day, ten, cal).open_now
    assert memo.status("w", CASH_HALL, ten, WorkCalendar()) == status_of(CASH_HALL, ten, cal)
    early = ten.replace(hour=8)
    assert not memo.status("w", CASH_HALL, early, cal).open_now
