"""Legal terms for answering consumers' appeals (pure functions, no Django).

One :class:`TermsPolicy` describes a set of rules; two are built in:

* ``"procedure"`` (the company's procedure, the default): consideration within 15 working
  days from registration; 30 calendar days from receipt when information from other bodies
  or an on-site inspection is needed; one extension of at most 30 calendar days from the
  term in force; the applicant is notified within 3 calendar days of the decision;
* ``"appk"`` (Administrative Procedural Code, art. 76): the same 15 working / 30 calendar
  days, one extension of at most two calendar months from the term in force, and notice
  within 3 working days.

Working-day terms count from day 0 (the start day is not counted); calendar-day terms that
end on a non-working day move to the next working day (see :mod:`.calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from abonent.workdays.calendar import (
    MAX_CALENDAR_DAYS,
    MAX_DATE,
    MAX_WORKING_DAYS,
    MIN_DATE,
    CalendarRangeError,
    Term,
    WorkCalendar,
)

__all__ = [
    "APPK",
    "DEFAULT_POLICY_CODE",
    "POLICIES",
    "PROCEDURE",
    "ExtensionNotAllowedError",
    "ExtensionTooLongError",
    "TermsPolicy",
    "consideration_term",
    "extend_term",
    "extension_limit",
    "extension_notice_term",
    "get_policy",
]


class ExtensionTooLongError(ValueError):
    """The requested extension is not positive or goes beyond the policy's limit."""


class ExtensionNotAllowedError(ValueError):
    """The policy allows no further extension of this term."""


@dataclass(frozen=True)
class TermsPolicy:
    """Term rules. Exactly one of ``max_extension_days`` / ``max_extension_months`` is set."""

    code: str
    consideration_working_days: int
    external_info_calendar_days: int
    max_extension_days: int | None
    max_extension_months: int | None
    extensions_allowed: int
    notice_days: int
    notice_in_working_days: bool

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("a terms policy needs a code")
        if not 0 < self.consideration_working_days <= MAX_WORKING_DAYS:
            raise ValueError(f"consideration_working_days must be in 1..{MAX_WORKING_DAYS}")
        if not 0 < self.external_info_calendar_days <= MAX_CALENDAR_DAYS:
            raise ValueError(f"external_info_calendar_days must be in 1..{MAX_CALENDAR_DAYS}")
        if (self.max_extension_days is None) == (self.max_extension_months is None):
            raise ValueError("set exactly one of max_extension_days and max_extension_months")
        if self.max_extension_days is not None and not (
            0 < self.max_extension_days <= MAX_CALENDAR_DAYS
        ):
            raise ValueError(f"max_extension_days must be in 1..{MAX_CALENDAR_DAYS}")
        if self.max_extension_months is not None and not 0 < self.max_extension_months <= 24:
            raise ValueError("max_extension_months must be in 1..24")
        if self.extensions_allowed < 0:
            raise ValueError("extensions_allowed cannot be negative")
        limit = MAX_WORKING_DAYS if self.notice_in_working_days else MAX_CALENDAR_DAYS
        if not 0 < self.notice_days <= limit:
            raise ValueError(f"notice_days must be in 1..{limit}")


PROCEDURE = TermsPolicy(
    code="procedure",
    consideration_working_days=15,
    external_info_calendar_days=30,
    max_extension_days=30,
    max_extension_months=None,
    extensions_allowed=1,
    notice_days=3,
    notice_in_working_days=False,
)

APPK = TermsPolicy(
    code="appk",
    consideration_working_days=15,
    external_info_calendar_days=30,
    max_extension_days=None,
    max_extension_months=2,
    extensions_allowed=1,
    notice_days=3,
    notice_in_working_days=True,
)

POLICIES: dict[str, TermsPolicy] = {"procedure": PROCEDURE, "appk": APPK}
DEFAULT_POLICY_CODE = "procedure"


def get_policy(code: str) -> TermsPolicy:
    try:
        return POLICIES[code]
    except KeyError:
        valid = ", ".join(sorted(POLICIES))
        raise ValueError(f"unknown terms policy {code!r}; valid codes: {valid}") from None


def consideration_term(
    policy: TermsPolicy,
    cal: WorkCalendar,
    *,
    registered_on: date,
    received_on: date,
    needs_external_info: bool,
) -> Term:
    """The consideration term: ``consideration_working_days`` working days after
    registration, or, when information from other bodies or an on-site inspection is
    needed, ``external_info_calendar_days`` calendar days from the day of receipt."""
    if registered_on < received_on:
        raise ValueError("an appeal cannot be registered before it was received")
    if needs_external_info:
        return cal.add_calendar_days(received_on, policy.external_info_calendar_days)
    due = cal.add_working_days(registered_on, policy.consideration_working_days)
    return Term(due=due, unadjusted_due=due)


def _add_months(d: date, months: int) -> date:
    """``d`` plus calendar months, clamped to the last day of a shorter month."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise CalendarRangeError(f"the resulting date is outside {MIN_DATE}..{MAX_DATE}")
    next_first = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last_day = (next_first - timedelta(days=1)).day
    return date(year, month, min(d.day, last_day))


def extension_limit(policy: TermsPolicy, current_due: date) -> date:
    """The latest new due date an extension may set (before any move to a working day)."""
    if not MIN_DATE <= current_due <= MAX_DATE:
        raise CalendarRangeError(f"{current_due} is outside {MIN_DATE}..{MAX_DATE}")
    if policy.max_extension_months is not None:
        limit = _add_months(current_due, policy.max_extension_months)
    else:
        assert policy.max_extension_days is not None
        limit = current_due + timedelta(days=policy.max_extension_days)
    if limit > MAX_DATE:
        raise CalendarRangeError(f"the resulting date is outside {MIN_DATE}..{MAX_DATE}")
    return limit


def extend_term(
    policy: TermsPolicy,
    cal: WorkCalendar,
    *,
    current_due: date,
    days: int,
    extensions_used: int = 0,
) -> Term:
    """The term extended by ``days`` calendar days from ``current_due`` (moved to the next
    working day if needed). The unmoved date may not exceed :func:`extension_limit`;
    ``extensions_used`` counts earlier extensions of the same term."""
    if extensions_used >= policy.extensions_allowed:
        raise ExtensionNotAllowedError(
            f"policy {policy.code!r} allows {policy.extensions_allowed} extension(s); "
            f"{extensions_used} already used"
        )
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {days!r}")
    if days <= 0:
        raise ExtensionTooLongError(f"an extension must be at least one day, got {days}")
    limit = extension_limit(policy, current_due)
    if current_due + timedelta(days=days) > limit:
        allowed = (limit - current_due).days
        raise ExtensionTooLongError(
            f"extension of {days} days exceeds the limit of {allowed} days "
            f"(until {limit.isoformat()}) under policy {policy.code!r}"
        )
    return cal.add_calendar_days(current_due, days)


def extension_notice_term(policy: TermsPolicy, cal: WorkCalendar, *, decided_on: date) -> Term:
    """The last day to notify the applicant of an extension decided on ``decided_on``."""
    if policy.notice_in_working_days:
        due = cal.add_working_days(decided_on, policy.notice_days)
        return Term(due=due, unadjusted_due=due)
    return cal.add_calendar_days(decided_on, policy.notice_days)
