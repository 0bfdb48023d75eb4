"""Public calendar endpoints (api.md "Calendar")."""

from __future__ import annotations

import re
from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from abonent.core.errors import InvalidInput
from abonent.workdays.calendar import (
    MAX_CALENDAR_DAYS,
    MAX_DATE,
    MAX_WORKING_DAYS,
    MIN_DATE,
    CalendarRangeError,
)
from abonent.workdays.services import get_calendar

router = Router()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayOut(Schema):
    date: date
    working: bool
    reason: str
    name: str


class DeadlineOut(Schema):
    start: date
    due: date
    unadjusted_due: date | None = None


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


def _parse_date(raw: str, field: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("Use a date in the form YYYY-MM-DD."),
            code="invalid_date",
            fields={field: [_("Not a valid date (YYYY-MM-DD).")]},
        ) from None
    if not MIN_DATE <= value <= MAX_DATE:
        raise InvalidInput(
            _("The calendar covers %(min)s to %(max)s.") % {"min": MIN_DATE, "max": MAX_DATE},
            code="date_out_of_range",
            fields={field: [_("Outside the supported range.")]},
        )
    return value


def _parse_count(raw: str | None, field: str, maximum: int) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(
            _("The number of days must be a whole number."),
            code="invalid_number",
            fields={field: [_("Not a whole number.")]},
        ) from None
    if not 1 <= value <= maximum:
        raise InvalidInput(
            _("The number of days must be between 1 and %(max)s.") % {"max": maximum},
            code="days_out_of_range",
            fields={field: [_("Must be between 1 and %(max)s.") % {"max": maximum}]},
        )
    return value


@router.get("/days/{day}", response={200: DayOut, 422: ErrorOut}, auth=None)
def calendar_day(request: HttpRequest, day: str) -> DayOut:
    """Is this date a working day in Kazakhstan, and why."""
    value = _parse_date(day, "date")
    info = get_calendar(around=value).day(value)
    return DayOut(date=info.day, working=info.working, reason=str(info.reason), name=info.name)


@router.get("/deadline", response={200: DeadlineOut, 422: ErrorOut}, auth=None, exclude_none=True)
def deadline(
    request: HttpRequest,
    start: str | None = None,
    working_days: str | None = None,
    calendar_days: str | None = None,
) -> DeadlineOut:
    """A term: ``working_days`` after ``start`` (day 0 not counted), or ``calendar_days``
    after it, moved to the next working day (``unadjusted_due`` keeps the unmoved date)."""
    if start is None or start == "":
        raise InvalidInput(
            _("The start date is required."),
            code="missing_start",
            fields={"start": [_("This field is required.")]},
        )
    begin = _parse_date(start, "start")
    wd = _parse_count(working_days, "working_days", MAX_WORKING_DAYS)
    cd = _parse_count(calendar_days, "calendar_days", MAX_CALENDAR_DAYS)
    if wd is not None and cd is not None:
        raise InvalidInput(
            _("Give either working_days or calendar_days, not both."),
            code="both_terms_given",
            fields={"calendar_days": [_("Give only one kind of term.")]},
        )
    if wd is None and cd is None:
        raise InvalidInput(
            _("Give working_days or calendar_days."),
            code="missing_term",
            fields={"working_days": [_("This field is required.")]},
        )
    cal = get_calendar(around=begin)
    try:
        if wd is not None:
            return DeadlineOut(start=begin, due=cal.add_working_days(begin, wd))
        assert cd is not None
        term = cal.add_calendar_days(begin, cd)
    except CalendarRangeError:
        raise InvalidInput(
            _("The term ends outside the supported calendar."), code="date_out_of_range"
        ) from None
    return DeadlineOut(start=begin, due=term.due, unadjusted_due=term.unadjusted_due)
