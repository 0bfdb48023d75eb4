"""V-1's term, counted with Kazakhstan's calendar: the notice must go out by 18:00 on the
5th working day before the visit (the visit day not counted), across Nauryz and New Year."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from abonent.visits import rules
from abonent.workdays.calendar import TIMEZONE, WorkCalendar

CAL = WorkCalendar()


def at(d: date, h: int = 10, m: int = 0) -> datetime:
    return datetime.combine(d, time(h, m), tzinfo=TIMEZONE)


@pytest.mark.parametrize(
    ("visit_day", "notice_day"),
    [
        # an ordinary week: Tue -> the Tuesday before
        (date(2026, 12, 1), date(2026, 11, 24)),
        # Nauryz 21-23 March 2026 with carry-overs to 24-25 March: Mon 30 March needs
        # Fri 27, Thu 26, Fri 20, Thu 19, Wed 18
        (date(2026, 3, 30), date(2026, 3, 18)),
        (date(2026, 3, 26), date(2026, 3, 16)),
        # New Year 1-2 January 2026 and Orthodox Christmas 7 January: Fri 9 January needs
        # Thu 8, Tue 6, Mon 5, Wed 31 Dec, Tue 30 Dec
        (date(2026, 1, 9), date(2025, 12, 30)),
        # New Year 2027 (1-2 January, carried over to Monday 4 January)
        (date(2027, 1, 8), date(2026, 12, 29)),
    ],
)
def test_the_notice_day_is_the_fifth_working_day_before(visit_day: date, notice_day: date) -> None:
    assert rules.notice_day(CAL, visit_day) == notice_day
    assert rules.notify_by(CAL, at(visit_day)) == at(notice_day, 18)
    # five whole working days lie between the notice day and the visit day
    assert CAL.working_days_between(notice_day, visit_day) == 5


def test_notify_by_is_aware_and_in_astana_time() -> None:
    deadline = rules.notify_by(CAL, at(date(2026, 3, 30)))
    assert deadline.isoformat() == "2026-03-18T18:00:00+05:00"


def test_the_earliest_visit_day_skips_nauryz() -> None:
    # planned on Thursday 19 March at 09:00: the 18th's deadline has passed
    assert rules.earliest_visit_day(CAL, at(date(2026, 3, 19), 9)) == date(2026, 3, 31)
    # planned on Wednesday 18 March at 17:59: Monday 30 March is still possible
    assert rules.earliest_visit_day(CAL, at(date(2026, 3, 18), 17, 59)) == date(2026, 3, 30)


def test_visit_hours_parse_and_refuse_nonsense() -> None:
    assert rules.parse_hours("09:00-18:00") == rules.VisitHours(time(9), time(18))
    for bad in ["9-18", "18:00-09:00", "25:00-26:00", ""]:
        with pytest.raises(ValueError):
            rules.parse_hours(bad)


def test_codes_are_typed_forgivingly_and_refused_when_impossible() -> None:
    assert rules.normalize_code("abcd-2345") == "ABCD2345"
    assert rules.normalize_code(" ab cd 23 45 ") == "ABCD2345"
    assert rules.normalize_code("ABCD-234O") is None  # O reads as 0, not in the alphabet
    assert rules.normalize_code("ABCD234") is None
    assert rules.normalize_code("AES-1001") is None
    assert rules.display_code("ABCD2345") == "ABCD-2345"
