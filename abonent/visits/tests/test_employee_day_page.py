"""The employee's day (issue #8 point 4): today's visits in order, the introduction of V-3
(name, position, organisation, reason and purpose), the company's contacts (V-4), leaving
and recording the outcome with notes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.models import Visit
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

pytestmark = pytest.mark.django_db


def test_the_day_lists_my_visits_in_order_with_the_script_and_contacts(
    api_as, clock, client, django_assert_max_num_queries
) -> None:
    late = plan(NEXT_TUESDAY + timedelta(hours=4), address="ул. Поздняя, 2")
    early = plan(NEXT_TUESDAY, address="ул. Ранняя, 1")
    plan(NEXT_TUESDAY, address="ул. Чужая, 3", employees=["engineer"])
    client.login(username="controller", password="demo")
    with django_assert_max_num_queries(15):
        res = client.get("/staff/visits/my/?day=2026-12-01")
    assert res.status_code == 200
    html = res.content.decode()
    assert html.index("ул. Ранняя, 1") < html.index("ул. Поздняя, 2")
    assert "ул. Чужая, 3" not in html
    assert "Нурланов Асет" in html and "Контролер" in html
    assert "ТОО «Астанаэнергосбыт»" in html
    assert "Плановая проверка счётчика ГВС" in html
    assert "info@aesbyt.kz" in html
    assert early.pk != late.pk


def test_recording_the_outcome_from_the_page(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY + timedelta(minutes=50))
    client.login(username="controller", password="demo")
    res = client.post(
        f"/staff/visits/{visit.pk}/outcome/",
        {"outcome": "consumer_absent", "notes": "Никто не открыл, оставил извещение"},
    )
    assert res.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.outcome) == ("finished", "consumer_absent")
    assert visit.outcome_notes == "Никто не открыл, оставил извещение"
    again = client.post(f"/staff/visits/{visit.pk}/outcome/", {"outcome": "done"})
    assert again.status_code == 409
    visit.refresh_from_db()
    assert visit.outcome == "consumer_absent"


def test_other_roles_cannot_open_the_day(api_as, clock, client) -> None:
    client.login(username="cashier", password="demo")
    assert client.get("/staff/visits/my/").status_code == 403
    assert Visit.objects.count() == 0
