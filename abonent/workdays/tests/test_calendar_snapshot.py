"""The calendar is kept per process (core.lib.snapshot): an override edited here counts at
once, one edited by another process counts when the copy expires (D-1..D-4 terms depend on
it)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from abonent.workdays.models import CalendarOverride
from abonent.workdays.services import get_calendar

pytestmark = pytest.mark.django_db
NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday, a working day by the holidays package


def test_the_calendar_is_read_once_and_an_edit_here_counts_at_once() -> None:
    assert get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)
    with CaptureQueriesContext(connection) as q:
        get_calendar(around=NEW_YEARS_EVE)
    assert len(q.captured_queries) == 0
    override = CalendarOverride.objects.create(day=NEW_YEARS_EVE, working=False, basis="Decree")
    assert not get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)
    override.delete()
    assert get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)


def test_an_edit_made_elsewhere_counts_when_the_copy_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from abonent.core.lib import snapshot

    now = [1000.0]
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: now[0])
    with override_settings(ABONENT_SNAPSHOT_SECONDS=30):
        assert get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)
        # another server process writes the row: this one gets no signal
        CalendarOverride.objects.bulk_create(
            [CalendarOverride(day=NEW_YEARS_EVE, working=False, basis="Decree")]
        )
        now[0] += 29
        assert get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)
        now[0] += 2
        assert not get_calendar(around=NEW_YEARS_EVE).is_working_day(NEW_YEARS_EVE)
