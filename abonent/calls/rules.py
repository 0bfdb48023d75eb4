"""Pure rules of the telephony integration (no ORM): phone numbers and PBX times."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

# ASCII only: an Arabic-Indic "١٢٣" is no Kazakhstan number.
_NOT_DIGIT = re.compile(r"\D", re.ASCII)
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-().]{1,32}$", re.ASCII)
# What the PBX sends for a caller whose number is hidden.
HIDDEN = frozenset({"", "anonymous", "unknown", "restricted", "private", "hidden"})


class BadPhone(ValueError):
    pass


class BadTime(ValueError):
    pass


# The days the contact centre's filters and the PBX's times may name: outside them a date
# is a typo (and year 1 or 9999 overflows when shifted by a time zone).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
# A PBX's clock may run a little ahead; an event further in the future is refused.
PBX_FUTURE_SLACK = timedelta(days=2)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def normalise_phone(raw: str) -> str:
    """A Kazakhstan number as ``+7XXXXXXXXXX`` (from ``87011234567``, ``7011234567``,
    ``+7 701 123-45-67``, ``77011234567``); another international number as ``+`` and its
    digits; a hidden caller as ``""``. Anything else raises ``BadPhone``."""
    value = raw.strip()
    if value.lower() in HIDDEN:
        return ""
    if not _PHONE_CHARS.match(value):
        raise BadPhone(raw)
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) == 11 and digits[0] in "78" and not value.startswith("+8"):
        return "+7" + digits[1:]
    if len(digits) == 10 and not value.startswith("+"):
        return "+7" + digits
    if value.startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 12 and digits.startswith("007"):
        return "+7" + digits[2:]
    raise BadPhone(raw)


def parse_pbx_time(raw: str, zone: tzinfo, *, now: datetime | None = None) -> datetime:
    """ISO 8601 with an offset, or Oktell's local ``YYYY-MM-DD HH:MM:SS[.fff]`` (also with
    ``T``) taken in the PBX's time zone; always returned in UTC. A date without a time, a
    moment before 2000 or (given ``now``) more than ``PBX_FUTURE_SLACK`` ahead raises
    ``BadTime``, as does a year whose shift to UTC overflows."""
    value = raw.strip()
    # A date alone (``2026-03-17``, 10 characters) would silently become midnight.
    if len(value) <= 10:
        raise BadTime(raw)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.strptime(value, "%d.%m.%Y %H:%M:%S")
        except ValueError:
            raise BadTime(raw) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        moment = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadTime(raw) from None
    if moment < EARLIEST_TIME or (now is not None and moment > now + PBX_FUTURE_SLACK):
        raise BadTime(raw)
    return moment


_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)


def normalise_call_id(raw: str) -> str:
    """Oktell's chain ids are GUIDs, written upper-case by SQL Server and lower-case (or in
    braces) by its scenarios: one spelling for both. Other ids are kept as they are."""
    value = raw.strip()
    found = _GUID.match(value)
    return found.group(1).lower() if found else value


# ---- callbacks (CC-6) ---------------------------------------------------------------------

CALLBACK_STEP_MINUTES = 5


@dataclass(frozen=True)
class CallbackRefusal:
    code: str  # callback_in_past | callback_outside_hours
    next_possible: datetime | None


def _ceil_to_step(moment: datetime) -> datetime:
    step = timedelta(minutes=CALLBACK_STEP_MINUTES)
    floor = moment.replace(second=0, microsecond=0)
    floor -= timedelta(minutes=floor.minute % CALLBACK_STEP_MINUTES)
    return floor if floor == moment else floor + step


def check_callback_time(
    at: datetime,
    *,
    now: datetime,
    is_open: Callable[[datetime], bool],
    next_open: Callable[[datetime], datetime | None],
) -> CallbackRefusal | None:
    """A callback time must be in the future and inside the contact centre's hours (CC-2,
    CC-6). A refusal names the next possible time: the first open moment from now (on a
    5-minute step) for a past time, the next opening after the time asked for otherwise."""
    if at <= now:
        first = _ceil_to_step(now + timedelta(seconds=1))
        return CallbackRefusal("callback_in_past", first if is_open(first) else next_open(first))
    if not is_open(at):
        return CallbackRefusal("callback_outside_hours", next_open(at))
    return None


def mask_phone(phone: str) -> str:
    """For readers without access to personal data: the country code and the last two
    digits (``+7*******67``)."""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]
