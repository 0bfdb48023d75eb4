"""Pure rules of home visits (no ORM): the notice term (V-1), the change term (V-2), visit
hours and the shape of visit codes (V-3).

How the notice term is counted (requirements.md, "How terms are counted", mirrored): the
visit day is day 0 and is not counted; the notice must go out no later than the end of the
working day (18:00 Asia/Almaty) of the 5th working day before it. A visit on Monday
30 March 2026 (Nauryz 21-25 March is off) must be announced by Wednesday 18 March 18:00:
Fri 27, Thu 26, Fri 20, Thu 19, Wed 18. Sent on that day, the consumer has five whole
working days (Thu 19 ... Fri 27) before the visit day.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from abonent.workdays.calendar import END_OF_WORKING_DAY, TIMEZONE, WorkCalendar

NOTICE_WORKING_DAYS = 5  # V-1
CHANGE_NOTICE = timedelta(hours=2)  # V-2
MAX_LOOKBACK_DAYS = 120  # a safety stop: 5 working days never span more than this

# Visit codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class VisitHours:
    """Daily window in which visits may take place, on working days only."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("visit hours must start before they end")


_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(text: str) -> VisitHours:
    """``"09:00-18:00"`` → VisitHours; ValueError with a clear message otherwise."""
    m = _HOURS_RE.match(text)
    if m is None:
        raise ValueError(f"visit hours must look like 09:00-18:00, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"visit hours contain an impossible time: {text!r}")
    end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
    return VisitHours(start=time(h1, m1), end=end)


def local(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(TIMEZONE)


def notice_day(cal: WorkCalendar, visit_day: date) -> date:
    """The 5th working day before ``visit_day`` (the visit day itself not counted)."""
    found = 0
    d = visit_day
    for _ in range(MAX_LOOKBACK_DAYS):
        d -= timedelta(days=1)
        if cal.is_working_day(d):
            found += 1
            if found == NOTICE_WORKING_DAYS:
                return d
    raise ValueError(f"no {NOTICE_WORKING_DAYS} working days before {visit_day}")


def notify_by(cal: WorkCalendar, starts_at: datetime) -> datetime:
    """The last moment the notice of a non-urgent visit may go out (V-1): the end of the
    working day (18:00 local) of :func:`notice_day`. At 18:00 itself it is too late."""
    day = notice_day(cal, local(starts_at).date())
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=TIMEZONE)


def earliest_visit_day(cal: WorkCalendar, now: datetime) -> date:
    """The first day a non-urgent visit planned at ``now`` may take place."""
    d = local(now).date()
    for _ in range(MAX_LOOKBACK_DAYS):
        d += timedelta(days=1)
        if cal.is_working_day(d) and now < notify_by(cal, datetime.combine(d, time(12), TIMEZONE)):
            return d
    raise ValueError("no visit day found")


def change_deadline(old_starts_at: datetime) -> datetime:
    """V-2: a change must reach the consumer no later than 2 hours before the agreed time."""
    return old_starts_at - CHANGE_NOTICE


@dataclass(frozen=True)
class WindowProblem:
    code: str


def window_problem(
    cal: WorkCalendar, hours: VisitHours, starts_at: datetime, ends_at: datetime, now: datetime
) -> str | None:
    """Why a time window cannot be used, as a code, or None when it is fine:
    ``invalid_window`` (ends before it starts, or spans days), ``in_the_past``,
    ``outside_working_hours`` (a non-working day or outside the visit hours)."""
    start, end = local(starts_at), local(ends_at)
    if end <= start or start.date() != end.date():
        return "invalid_window"
    if starts_at <= now:
        return "in_the_past"
    if not cal.is_working_day(start.date()):
        return "outside_working_hours"
    if start.time() < hours.start or end.time() > hours.end:
        return "outside_working_hours"
    return None


# --------------------------------------------------------------------------- codes


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """What a consumer typed → the canonical code, or None when it cannot be one. Spaces
    and dashes are ignored, case too; O/I/L read as 0/1 and are then refused."""
    cleaned = re.sub(r"[\s\-]", "", text or "").upper().translate(_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_code(code: str) -> str:
    """``ABCD2345`` → ``ABCD-2345`` (easier to read out on the phone)."""
    return f"{code[:4]}-{code[4:]}"
