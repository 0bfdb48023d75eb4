"""Meter-reading validation (PC-1): pure functions, no ORM, no clock, no settings.

One rule set for every channel (personal cabinet, IVR, contact centre, API). The service
(services.submit_reading) gathers the facts — the meter, its latest earlier reading, its
history, today's date, the window and the outside-window rule — and asks ``check_reading``.

The order of the checks, and the refusal code each gives (api.md codes plus our own):

1. ``unknown_meter`` — no such active meter on the account (the caller passes ``None``);
2. the value as typed: ``not_a_number`` (letters, exponents, empty), ``negative``,
   ``too_many_decimals`` (more significant digits after the point than the meter shows;
   trailing zeros are fine: ``120.0`` on a meter without decimals is 120),
   ``too_many_digits`` (more digits before the point than the register has);
3. ``verification_expired`` — the verification due date is before today (the due date itself
   is still valid);
4. the window: inside ``first_day..last_day`` of the month (clipped to the month's length) the
   reading is for this month; outside it ``refuse`` gives ``outside_window``, ``next_period``
   counts it for the next window to open (this month before the window, next month after it);
5. against the latest earlier reading: a lower value is ``decreasing`` unless it is a
   plausible register rollover (the consumption across the wrap, ``10**digits - previous +
   new``, is at most ``rollover_share`` of the register's range and not implausible);
6. against the history (at least ``min_history_months`` of it): a monthly consumption above
   ``implausible_factor`` times the average (the average never below ``baseline_floor``) is
   ``implausible``; above ``high_factor`` times it needs the consumer's confirmation, and a
   confirmed one is accepted and flagged ``high_consumption`` for review. Without history a
   consumption above half the register's range is ``implausible``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise


class Code(StrEnum):
    """Refusal codes. The first ones are api.md's contract; never rename any."""

    UNKNOWN_METER = "unknown_meter"
    DECREASING = "decreasing"
    IMPLAUSIBLE = "implausible"
    TOO_MANY_DIGITS = "too_many_digits"
    VERIFICATION_EXPIRED = "verification_expired"
    OUTSIDE_WINDOW = "outside_window"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    NEEDS_CONFIRMATION = "needs_confirmation"
    REFUSED = "refused"


class OutsideRule(StrEnum):
    REFUSE = "refuse"
    NEXT_PERIOD = "next_period"


HIGH_CONSUMPTION = "high_consumption"


@dataclass(frozen=True)
class Window:
    """Days of the month, inclusive."""

    first_day: int
    last_day: int

    def __post_init__(self) -> None:
        if not 1 <= self.first_day <= self.last_day <= 31:
            raise ValueError(f"bad window {self.first_day}..{self.last_day}")


@dataclass(frozen=True)
class MeterFacts:
    digits: int
    decimals: int = 0
    verification_due: date | None = None
    window: Window | None = None  # the meter's own window; None: the company's


@dataclass(frozen=True)
class PreviousReading:
    value: Decimal
    period: date


@dataclass(frozen=True)
class HistoryPoint:
    period: date
    value: Decimal
    consumption: Decimal | None = None  # since the point before it, across a rollover


@dataclass(frozen=True)
class History:
    average_monthly: Decimal | None = None
    months: int = 0


@dataclass(frozen=True)
class Policy:
    high_factor: Decimal = Decimal(3)
    implausible_factor: Decimal = Decimal(20)
    min_history_months: int = 3
    baseline_floor: Decimal = Decimal(1)
    rollover_share: Decimal = Decimal("0.1")


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    code: Code | None = None
    value: Decimal | None = None
    period: date | None = None
    consumption: Decimal | None = None
    monthly: Decimal | None = None
    rollover: bool = False
    next_period: bool = False
    flag: str = ""
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """The stored status of an accepted reading (models.ReadingStatus values)."""
        if self.flag:
            return "needs_review"
        return "next_period" if self.next_period else "accepted"


def _refuse(code: Code, **detail: str) -> Verdict:
    return Verdict(outcome=Outcome.REFUSED, code=code, detail=detail)


_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_MAX_TEXT = 64


def parse_value(text: str, *, digits: int, decimals: int) -> Decimal | Code:
    """The typed value as a Decimal with the meter's precision, or the refusal code."""
    raw = text.strip()
    negative = raw.startswith("-")
    body = raw[1:].strip() if negative else raw
    if len(body) > _MAX_TEXT:
        return Code.TOO_MANY_DIGITS if body.isascii() and body.isdigit() else Code.NOT_A_NUMBER
    if not _NUMBER.fullmatch(body):
        return Code.NOT_A_NUMBER
    whole, _sep, frac = body.replace(",", ".").partition(".")
    if negative and (whole.strip("0") or frac.strip("0")):
        return Code.NEGATIVE
    if len(frac.rstrip("0")) > decimals:
        return Code.TOO_MANY_DECIMALS
    if len(whole.lstrip("0")) > digits:
        return Code.TOO_MANY_DIGITS
    try:
        value = Decimal(f"{whole}.{frac or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return Code.NOT_A_NUMBER
    return value.quantize(Decimal(1).scaleb(-decimals))


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_length(day: date) -> int:
    return (add_months(day, 1) - day.replace(day=1)).days


def period_for(today: date, window: Window, rule: OutsideRule) -> tuple[date, bool] | None:
    """(period, counted for the next window?) or None when the reading is refused."""
    length = _month_length(today)
    first, last = min(window.first_day, length), min(window.last_day, length)
    this_month = today.replace(day=1)
    if first <= today.day <= last:
        return this_month, False
    if rule == OutsideRule.REFUSE:
        return None
    return (this_month if today.day < first else add_months(this_month, 1)), True


def history_from(points: Sequence[HistoryPoint]) -> History:
    """Average monthly consumption over the points (any order): the consumption of every
    point after the oldest, over the months from the oldest to the newest."""
    ordered = sorted(points, key=lambda p: p.period)
    if len(ordered) < 2:
        return History()
    total = Decimal(0)
    for before, after in pairwise(ordered):
        used = after.consumption
        if used is None:
            used = max(after.value - before.value, Decimal(0))
        total += used
    months = months_between(ordered[0].period, ordered[-1].period)
    if months <= 0:
        return History()
    return History(average_monthly=total / months, months=months)


def check_reading(
    value_text: str,
    meter: MeterFacts | None,
    previous: PreviousReading | None,
    history: History,
    today: date,
    window: Window,
    rule: OutsideRule,
    *,
    confirm: bool = False,
    policy: Policy = Policy(),
) -> Verdict:
    """Decide one reading. See the module docstring for the order of the checks."""
    if meter is None:
        return _refuse(Code.UNKNOWN_METER)
    parsed = parse_value(value_text, digits=meter.digits, decimals=meter.decimals)
    if isinstance(parsed, Code):
        return _refuse(parsed, digits=str(meter.digits), decimals=str(meter.decimals))
    value = parsed
    if meter.verification_due is not None and meter.verification_due < today:
        due = meter.verification_due.isoformat()
        return _refuse(Code.VERIFICATION_EXPIRED, verification_due=due)
    own = meter.window or window
    placed = period_for(today, own, rule)
    if placed is None:
        return _refuse(
            Code.OUTSIDE_WINDOW, first_day=str(own.first_day), last_day=str(own.last_day)
        )
    period, next_period = placed
    if previous is None:
        return Verdict(Outcome.ACCEPTED, value=value, period=period, next_period=next_period)
    return _against_previous(
        value, period, next_period, meter, previous, history, confirm=confirm, policy=policy
    )


def _against_previous(
    value: Decimal,
    period: date,
    next_period: bool,
    meter: MeterFacts,
    previous: PreviousReading,
    history: History,
    *,
    confirm: bool,
    policy: Policy,
) -> Verdict:
    register = Decimal(10) ** meter.digits
    rollover = value < previous.value
    consumption = register - previous.value + value if rollover else value - previous.value
    if rollover and consumption > register * policy.rollover_share:
        return _refuse(Code.DECREASING, previous=str(previous.value))
    monthly = consumption / max(months_between(previous.period, period), 1)
    flag = ""
    if history.average_monthly is not None and history.months >= policy.min_history_months:
        baseline = max(history.average_monthly, policy.baseline_floor)
        if monthly > baseline * policy.implausible_factor:
            code = Code.DECREASING if rollover else Code.IMPLAUSIBLE
            return _refuse(code, previous=str(previous.value))
        if monthly > baseline * policy.high_factor:
            if not confirm:
                return Verdict(
                    Outcome.NEEDS_CONFIRMATION,
                    value=value,
                    period=period,
                    consumption=consumption,
                    monthly=monthly,
                    rollover=rollover,
                    next_period=next_period,
                    flag=HIGH_CONSUMPTION,
                    detail={"average_monthly": str(baseline.quantize(Decimal("0.001")))},
                )
            flag = HIGH_CONSUMPTION
    elif not rollover and consumption > register / 2:
        return _refuse(Code.IMPLAUSIBLE, previous=str(previous.value))
    return Verdict(
        Outcome.ACCEPTED,
        value=value,
        period=period,
        consumption=consumption,
        monthly=monthly,
        rollover=rollover,
        next_period=next_period,
        flag=flag,
    )
