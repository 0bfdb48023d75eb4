"""Issue #5 point 7: the queue's figures, built from a known day in service centre No. 1.

The day (Tuesday 2026-11-24, sc1; window 1 = operator, 2 = op2, 3 = op3 billing only):

    10:00 A001 household issued     10:02 A002 household issued
    10:04 B001 billing issued       10:06 A003 household issued
    10:10 w1 calls A001 (wait 10), starts      10:20 w1 finishes A001 (service 10)
    10:20 w2 calls A002 (wait 18), starts      10:25 w2 redirects A002 to billing (service 5)
    10:26 w3 calls A002 (wait 1), starts       10:27 op3 disputes, 10:28 hall_admin keeps it
    10:30 w3 finishes A002 (service 4)
    10:30 w1 calls B001 (wait 26), starts      10:40 w1 finishes B001 (service 10)
    10:40 w1 calls A003 (wait 34)              10:43 w1 marks A003 a no-show
    10:41 A004 household issued, left waiting
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from abonent.core.models import Office
from abonent.equeue import services, stats
from abonent.equeue.models import Decision, Ticket
from abonent.equeue.tests.conftest import Clock, hall_admin_in, user, window

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 24)
PG = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def english() -> Any:
    """Labels are checked in English, whatever the catalogs hold."""
    with translation.override("en"):
        yield


@dataclass
class History:
    office: Office
    a001: Ticket
    a002: Ticket
    b001: Ticket
    a003: Ticket
    a004: Ticket


def _issue(code: str) -> Ticket:
    return services.issue_ticket(office_code="sc1", service_code=code, actor=None).ticket


def _call(number: int, actor: Any, expected: Ticket) -> None:
    called = services.call_next_ticket(window=window("sc1", number), actor=actor)
    assert called is not None and called.pk == expected.pk


def at(clock: Clock, hh: int, mm: int) -> None:
    clock.at = clock.at.replace(hour=hh, minute=mm)


@pytest.fixture
def history(clock: Clock, make_operator: Callable[[str, str, int], Any]) -> History:
    op1, op2, op3 = user("operator"), make_operator("op2", "sc1", 2), make_operator("op3", "sc1", 3)
    op2.first_name, op2.last_name = "Op", "Two"
    op2.save()
    a001 = _issue("household")
    at(clock, 10, 2)
    a002 = _issue("household")
    at(clock, 10, 4)
    b001 = _issue("billing")
    at(clock, 10, 6)
    a003 = _issue("household")
    at(clock, 10, 10)
    _call(1, op1, a001)
    services.start_ticket(ticket_id=a001.pk, actor=op1)
    at(clock, 10, 20)
    services.finish_ticket(ticket_id=a001.pk, actor=op1)
    _call(2, op2, a002)
    services.start_ticket(ticket_id=a002.pk, actor=op2)
    at(clock, 10, 25)
    services.transfer_ticket(ticket_id=a002.pk, to_service="billing", reason="Debt", actor=op2)
    at(clock, 10, 26)
    _call(3, op3, a002)
    services.start_ticket(ticket_id=a002.pk, actor=op3)
    at(clock, 10, 27)
    dispute = services.open_dispute(ticket_id=a002.pk, reason="Not ours", actor=op3)
    at(clock, 10, 28)
    services.resolve_dispute(
        dispute_id=dispute.pk, decision=Decision.KEEP, actor=hall_admin_in("sc1")
    )
    at(clock, 10, 30)
    services.finish_ticket(ticket_id=a002.pk, actor=op3)
    _call(1, op1, b001)
    services.start_ticket(ticket_id=b001.pk, actor=op1)
    at(clock, 10, 40)
    services.finish_ticket(ticket_id=b001.pk, actor=op1)
    _call(1, op1, a003)
    at(clock, 10, 41)
    a004 = _issue("household")
    at(clock, 10, 43)
    services.mark_no_show(ticket_id=a003.pk, actor=op1)
    return History(Office.objects.get(code="sc1"), a001, a002, b001, a003, a004)


def figures(row: stats.Row) -> dict[str, Any]:
    return {
        "issued": row.issued,
        "called": row.called,
        "served": row.served,
        "no_show": row.no_show,
        "cancelled": row.cancelled,
        "redirected": row.redirected,
        "disputes": (row.disputes_opened, row.disputes_resolved),
        "waits": (row.waits, row.waits_over_target),
        "consumers": (row.consumers, row.consumers_over_target),
        "wait_avg": stats.minutes(row.wait_avg),
        "wait_max": stats.minutes(row.wait_max),
        "services": row.services_measured,
        "service_avg": stats.minutes(row.service_avg),
    }


def report(office: Office | None, **kw: Any) -> stats.Report:
    return stats.build_report(office=office, date_from=DAY, date_to=DAY, **kw)


TOTALS = {
    "issued": 5,
    "called": 5,
    "served": 3,
    "no_show": 1,
    "cancelled": 0,
    "redirected": 1,
    "disputes": (1, 1),
    "waits": (5, 3),
    "consumers": (4, 3),
    "wait_avg": 17.8,
    "wait_max": 34.0,
    "services": 4,
    "service_avg": 7.25,
}


def test_totals_count_every_step_and_every_wait(history: History) -> None:
    r = report(history.office)
    assert figures(r.totals) == TOTALS
    assert r.totals.share_over_target == 0.75
    assert r.target_minutes == 15
    if PG:
        assert stats.minutes(r.totals.wait_median) == 18.0
        assert stats.minutes(r.totals.wait_p90) == 30.8
        assert stats.minutes(r.totals.service_median) == 7.5
        assert stats.minutes(r.totals.service_p90) == 10.0
    else:
        assert (r.totals.wait_median, r.totals.service_p90) == (None, None)


def test_the_day_table_has_the_one_day_with_the_totals(history: History) -> None:
    r = report(history.office)
    assert [(row.key, figures(row)) for row in r.tables["day"]] == [("2026-11-24", TOTALS)]


def test_a_redirected_consumer_counts_in_each_service_they_waited_for(history: History) -> None:
    r = report(history.office)
    rows = {row.key: figures(row) for row in r.tables["service"]}
    assert list(rows) == ["sc1:household", "sc1:billing"]
    assert rows["sc1:household"] == {
        "issued": 4,
        "called": 3,
        "served": 1,
        "no_show": 1,
        "cancelled": 0,
        "redirected": 1,
        "disputes": (1, 1),
        "waits": (3, 2),
        "consumers": (3, 2),
        "wait_avg": 20.67,
        "wait_max": 34.0,
        "services": 2,
        "service_avg": 7.5,
    }
    assert rows["sc1:billing"] == {
        "issued": 1,
        "called": 2,
        "served": 2,
        "no_show": 0,
        "cancelled": 0,
        "redirected": 0,
        "disputes": (0, 0),
        "waits": (2, 1),
        "consumers": (2, 1),
        "wait_avg": 13.5,
        "wait_max": 26.0,
        "services": 2,
        "service_avg": 7.0,
    }


ZERO = {
    "issued": 0,
    "called": 0,
    "served": 0,
    "no_show": 0,
    "cancelled": 0,
    "redirected": 0,
    "disputes": (0, 0),
    "waits": (0, 0),
    "consumers": (0, 0),
    "wait_avg": None,
    "wait_max": None,
    "services": 0,
    "service_avg": None,
}


def test_windows_count_their_calls_waits_and_services(history: History) -> None:
    r = report(history.office)
    rows = {row.key: figures(row) for row in r.tables["window"]}
    assert list(rows) == ["sc1:1", "sc1:2", "sc1:3", "-"]
    assert rows["sc1:1"] == {
        **ZERO,
        "called": 3,
        "served": 2,
        "no_show": 1,
        "waits": (3, 2),
        "consumers": (3, 2),
        "wait_avg": 23.33,
        "wait_max": 34.0,
        "services": 2,
        "service_avg": 10.0,
    }
    assert rows["sc1:2"] == {
        **ZERO,
        "called": 1,
        "redirected": 1,
        "disputes": (1, 1),
        "waits": (1, 1),
        "consumers": (1, 1),
        "wait_avg": 18.0,
        "wait_max": 18.0,
        "services": 1,
        "service_avg": 5.0,
    }
    assert rows["sc1:3"] == {
        **ZERO,
        "called": 1,
        "served": 1,
        "waits": (1, 0),
        "consumers": (1, 0),
        "wait_avg": 1.0,
        "wait_max": 1.0,
        "services": 1,
        "service_avg": 4.0,
    }
    # The kiosk issues at no window.
    assert rows["-"] == {**ZERO, "issued": 5}
    assert [row.label for row in r.tables["window"]][:3] == ["Window 1", "Window 2", "Window 3"]


def test_employees_are_the_people_who_called_served_and_redirected(history: History) -> None:
    r = report(history.office)
    rows = {row.key: row for row in r.tables["employee"]}
    assert sorted(rows) == ["-", "op2", "op3", "operator"]
    assert figures(rows["operator"]) == {
        **ZERO,
        "called": 3,
        "served": 2,
        "no_show": 1,
        "waits": (3, 2),
        "consumers": (3, 2),
        "wait_avg": 23.33,
        "wait_max": 34.0,
        "services": 2,
        "service_avg": 10.0,
    }
    assert (rows["op2"].label, rows["op2"].redirected, rows["op2"].disputes_opened) == (
        "Op Two",
        1,
        1,
    )
    assert (rows["op3"].served, rows["op3"].label) == (1, "op3")
    assert figures(rows["-"]) == {**ZERO, "issued": 5}


def test_the_target_is_settable_per_request(history: History) -> None:
    r = report(history.office, target_minutes=20)
    assert (r.totals.waits_over_target, r.totals.consumers_over_target) == (2, 2)
    assert r.totals.share_over_target == 0.5
    r = report(history.office, target_minutes=40)
    assert (r.totals.waits_over_target, r.totals.share_over_target) == (0, 0.0)


def test_all_offices_and_other_periods(history: History) -> None:
    everywhere = report(None)
    assert figures(everywhere.totals) == TOTALS
    assert [row.key for row in everywhere.tables["window"]][:1] == ["sc1:1"]
    assert everywhere.tables["window"][0].label == "sc1 · Window 1"
    sc2 = report(Office.objects.get(code="sc2"))
    assert figures(sc2.totals) == ZERO
    assert sc2.tables == {"day": [], "service": [], "window": [], "employee": []}
    before = stats.build_report(
        office=history.office, date_from=date(2026, 11, 1), date_to=date(2026, 11, 23)
    )
    assert figures(before.totals) == ZERO


def test_the_number_of_queries_does_not_grow_with_the_data(
    history: History, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    at(clock, 11, 0)
    for _ in range(10):
        t = _issue("billing")
        clock.tick(minutes=1)
        _call(3, user("op3"), t)
        services.start_ticket(ticket_id=t.pk, actor=user("op3"))
        services.finish_ticket(ticket_id=t.pk, actor=user("op3"))
    with django_assert_max_num_queries(13):
        r = report(history.office)
    assert (r.totals.issued, r.totals.served) == (15, 13)


def test_a_ticket_cancelled_by_the_hall_administrator_counts_for_them(
    history: History, clock: Clock
) -> None:
    at(clock, 10, 50)
    services.cancel_ticket(ticket_id=history.a004.pk, reason="Left the hall", actor=user("admin"))
    r = report(history.office)
    assert (r.totals.cancelled, r.totals.waits, r.totals.consumers) == (1, 5, 4)
    windows = {row.key: row.cancelled for row in r.tables["window"]}
    assert windows == {"sc1:1": 0, "sc1:2": 0, "sc1:3": 0, "-": 1}
    employees = {row.key: row.cancelled for row in r.tables["employee"]}
    assert employees == {"admin": 1, "op2": 0, "op3": 0, "operator": 0, "-": 0}
    services_ = {row.key: row.cancelled for row in r.tables["service"]}
    assert services_ == {"sc1:household": 1, "sc1:billing": 0}
