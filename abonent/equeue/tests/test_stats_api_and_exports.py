"""Issue #5 point 7: the API, the page and the xlsx give the same figures; bad filters are
refused with 422."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from abonent.equeue.tests.conftest import Api
from abonent.equeue.tests.test_stats_figures import PG, History, history  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = "date_from=2026-11-24&date_to=2026-11-24"


def test_the_api_gives_the_figures_of_the_day(
    history: History,  # noqa: F811
    api_as: Callable[[str | None], Api],
) -> None:
    body = api_as("head").get(f"/stats?{DAY}").json()
    assert (body["office"], body["date_from"], body["date_to"], body["target_minutes"]) == (
        "sc1",
        "2026-11-24",
        "2026-11-24",
        15,
    )
    assert body["totals"] == {
        "key": "",
        "label": body["totals"]["label"],
        "issued": 5,
        "called": 5,
        "served": 3,
        "no_show": 1,
        "cancelled": 0,
        "redirected": 1,
        "disputes_opened": 1,
        "disputes_resolved": 1,
        "waits": 5,
        "waits_over_target": 3,
        "consumers": 4,
        "consumers_over_target": 3,
        "services_measured": 4,
        "share_over_target": 0.75,
        "wait_avg_minutes": 17.8,
        "wait_median_minutes": 18.0 if PG else None,
        "wait_p90_minutes": 30.8 if PG else None,
        "wait_max_minutes": 34.0,
        "service_avg_minutes": 7.25,
        "service_median_minutes": 7.5 if PG else None,
        "service_p90_minutes": 10.0 if PG else None,
    }
    assert [r["key"] for r in body["by_service"]] == ["sc1:household", "sc1:billing"]
    assert [r["key"] for r in body["by_window"]] == ["sc1:1", "sc1:2", "sc1:3", "-"]
    assert [r["key"] for r in body["by_day"]] == ["2026-11-24"]
    assert sorted(r["key"] for r in body["by_employee"]) == ["-", "op2", "op3", "operator"]
    assert body["by_service"][1]["share_over_target"] == 0.5
    other = api_as("head").get(f"/stats?{DAY}&target_minutes=20").json()
    assert other["totals"]["waits_over_target"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=2026-13-01", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from=2026-11-25&date_to=2026-11-24", "date_to"),
        ("date_from=2025-01-01&date_to=2026-01-02", "date_to"),
        ("target_minutes=0", "target_minutes"),
        ("target_minutes=481", "target_minutes"),
        ("target_minutes=ten", "target_minutes"),
        ("office=nowhere", "office"),
    ],
)
def test_bad_filters_are_422_with_the_field(
    api_as: Callable[[str | None], Api], client: Client, query: str, field: str
) -> None:
    r = api_as("manager").get(f"/stats?{query}")
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"
    assert field in r.json()["fields"]
    client.force_login(get_user_model().objects.get(username="manager"))
    for url in ("/staff/queue/stats/", "/staff/queue/stats.xlsx"):
        page = client.get(f"{url}?{query}")
        assert page.status_code == 422
        assert page.context["report"] is None
        assert field in page.context["form"].errors
        assert page["Content-Type"].startswith("text/html")


def test_a_period_of_366_days_is_allowed(api_as: Callable[[str | None], Api]) -> None:
    r = api_as("manager").get("/stats?date_from=2025-01-01&date_to=2026-01-01")
    assert r.status_code == 200


def _numbers(row: dict[str, Any]) -> list[Any]:
    from abonent.equeue.views.stats import COLUMNS

    return [
        None if row[name] is None else round(row[name] * 100, 1) if kind == "share" else row[name]
        for name, _label, kind in COLUMNS
    ]


def test_the_page_and_the_xlsx_hold_the_same_numbers_as_the_api(
    history: History,  # noqa: F811
    api_as: Callable[[str | None], Api],
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    body = api_as("head").get(f"/stats?{DAY}").json()
    client.force_login(get_user_model().objects.get(username="head"))
    with django_assert_max_num_queries(25):
        page = client.get(f"/staff/queue/stats/?{DAY}&office=sc1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/staff/queue/stats.xlsx?" in html
    # Russian formatting: a decimal comma, a dash where a figure is unknown.
    totals = page.context["totals"]["cells"]
    assert totals[:8] == ["5", "5", "3", "1", "0", "1", "1", "1"]
    assert totals[8] == "17,8"
    assert totals[13] == "75,0\u00a0%"
    assert totals[9] == ("18,0" if PG else "—")
    tables = {t["dim"]: t["rows"] for t in page.context["tables"]}
    assert [len(tables[d]) for d in ("service", "window", "employee", "day")] == [2, 4, 4, 1]
    # Rounded half up to tenths: 20.67 min, 66.67 %, 7.25 min.
    household = tables["service"][0]["cells"]
    assert (household[8], household[13], totals[14]) == ("20,7", "66,7\u00a0%", "7,3")

    r = client.get(f"/staff/queue/stats.xlsx?{DAY}")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "queue-stats-sc1-2026-11-24-2026-11-24.xlsx" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    summary, by_service, by_window, by_employee, by_day = wb.worksheets
    cells = [[c.value for c in row] for row in summary.iter_rows()]
    assert cells[0][1] == "sc1" and cells[3][1] == 15
    assert cells[6][1:] == _numbers(body["totals"])
    for sheet, key in [
        (by_service, "by_service"),
        (by_window, "by_window"),
        (by_employee, "by_employee"),
        (by_day, "by_day"),
    ]:
        rows = [[c.value for c in row] for row in sheet.iter_rows()][1:]
        assert [r[1:] for r in rows] == [_numbers(x) for x in body[key]]
        assert [r[0] for r in rows] == [x["label"] for x in body[key]]
