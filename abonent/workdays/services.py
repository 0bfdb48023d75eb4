"""The calendar as the rest of the system sees it: the holidays package plus staff overrides,
and the terms policy chosen in settings."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from abonent.workdays.calendar import WorkCalendar
from abonent.workdays.models import CalendarOverride
from abonent.workdays.terms import TermsPolicy, get_policy


def get_calendar(*, around: date | None = None) -> WorkCalendar:
    """A calendar with the overrides from the database (one query).

    ``around`` narrows the overrides to a window of years, so a long-lived table stays cheap.
    """
    qs = CalendarOverride.objects.all()
    if around is not None:
        qs = qs.filter(day__year__gte=around.year - 1, day__year__lte=around.year + 3)
    return WorkCalendar([o.as_override() for o in qs])


def get_terms_policy() -> TermsPolicy:
    return get_policy(settings.ABONENT_TERMS_POLICY)
