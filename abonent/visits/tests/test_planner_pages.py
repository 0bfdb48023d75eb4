"""The planner's pages (issue #8 point 5): a day per employee, notices due, overdue and
failed, letters to print; planning through the form shows notify_by; a too-late plan is
refused on the page with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.models import NoticeStatus, Visit, VisitNotice
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

pytestmark = pytest.mark.django_db


def test_the_board_shows_the_day_and_the_notices_needing_attention(
    api_as, clock, client, django_assert_max_num_queries
) -> None:
    visits = [plan(NEXT_TUESDAY + timedelta(hours=h), address=f"ул. Номер {h}") for h in (0, 2, 4)]
    failed = VisitNotice.objects.get(visit=visits[0], channel="sms")
    VisitNotice.objects.filter(pk=failed.pk).update(
        status=NoticeStatus.FAILED, last_error="SmsError: gateway answered 503"
    )
    clock.set(clock.at + timedelta(days=1))  # the notices of 24 November are overdue now
    client.login(username="head", password="demo")
    with django_assert_max_num_queries(20):
        res = client.get("/staff/visits/?day=2026-12-01")
    assert res.status_code == 200
    html = res.content.decode()
    for h in (0, 2, 4):
        assert f"ул. Номер {h}" in html
    assert "gateway answered 503" in html
    assert html.count("24.11.2026 18:00") >= 6  # overdue email + sms + letters


def test_planning_through_the_form_shows_notify_by(api_as, clock, client) -> None:
    client.login(username="senior_operator", password="demo")
    form = {
        "day": "2026-12-01",
        "time_from": "10:00",
        "time_to": "11:00",
        "address": "ул. Формы, 5",
        "phone": "+77010001122",
        "language": "kk",
        "purpose": "meter_seal",
        "reason": "Пломбирование",
        "employees": ["engineer"],
        "print_letter": "on",
    }
    res = client.post("/staff/visits/new/", form)
    assert res.status_code == 302
    visit = Visit.objects.get()
    assert res["Location"] == f"/staff/visits/{visit.pk}/"
    page = client.get(res["Location"]).content.decode()
    assert "24.11.2026 18:00" in page
    form["day"] = "2026-11-30"
    res = client.post("/staff/visits/new/", form)
    assert res.status_code == 422
    assert "5 working days" in res.content.decode() or "5 рабочих" in res.content.decode()
    assert Visit.objects.count() == 1


def test_a_letter_is_printed_and_marked_sent(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    letter = VisitNotice.objects.get(visit=visit, channel="letter")
    client.login(username="clerk", password="demo")
    page = client.get(f"/staff/visits/letters/{letter.pk}/")
    assert page.status_code == 200
    from abonent.visits import rules
    from abonent.visits.tests.conftest import code_of

    assert rules.display_code(code_of(visit)) in page.content.decode()
    assert client.post(f"/staff/visits/letters/{letter.pk}/printed/").status_code == 302
    letter.refresh_from_db()
    assert letter.status == NoticeStatus.SENT
    assert letter.sent_by.username == "clerk"
    assert client.post(f"/staff/visits/letters/{letter.pk}/printed/").status_code == 409


def test_employees_cannot_open_the_board(api_as, clock, client) -> None:
    client.login(username="engineer", password="demo")
    assert client.get("/staff/visits/").status_code == 403
    assert client.get("/staff/visits/new/").status_code == 403
