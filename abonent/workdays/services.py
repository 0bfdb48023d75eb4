"""The calendar as the rest of the system sees it: the holidays package plus staff overrides,
and the terms policy chosen in settings."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from abonent.core.lib.snapshot import Snapshot
from abonent.workdays.calendar import WorkCalendar
from abonent.workdays.models import CalendarOverride
from abonent.workdays.terms import TermsPolicy, get_policy


def _load_calendar(around_year: int | None) -> WorkCalendar:
    qs = CalendarOverride.objects.all()
    if around_year is not None:
        qs = qs.filter(day__year__gte=around_year - 1, day__year__lte=around_year + 3)
    return WorkCalendar([o.as_override() for o in qs])


_calendars: Snapshot[int | None, WorkCalendar] = Snapshot(_load_calendar, watch=(CalendarOverride,))


def get_calendar(*, around: date | None = None) -> WorkCalendar:
    """A calendar with the overrides from the database, kept per process (see
    core.lib.snapshot); the calendar also keeps the years it has worked out.

    ``around`` narrows the overrides to a window of years, so a long-lived table stays cheap.
    """
    return _calendars.get(around.year if around is not None else None)


def get_terms_policy() -> TermsPolicy:
    return get_policy(settings.ABONENT_TERMS_POLICY)
