"""The call log's and the supervisor's date filters (CC-4, review 2 item 2): a day outside
2000-01-01..2100-12-31 (year 1, year 9999: a typo, and an overflow when shifted by a time
zone) is refused with 422 on the API and on the pages, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

Bearer = Callable[[str], dict[str, str]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_to=1999-12-31"]
)
def test_the_log_api_refuses_days_out_of_range(
    client: Client, calls_demo: None, bearer: Bearer, query: str
) -> None:
    response = client.get(f"/api/v1/calls?{query}", **bearer("cc_operator"))
    assert response.status_code == 422


@pytest.mark.django_db
def test_the_log_api_takes_the_bounds(client: Client, answered: str, bearer: Bearer) -> None:
    response = client.get(
        "/api/v1/calls?date_from=2000-01-01&date_to=2100-12-31", **bearer("cc_operator")
    )
    assert response.status_code == 200
    assert [c["call_id"] for c in response.json()["items"]] == [answered]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=9999-12-31", "date_from"),
        ("date_from=0001-01-01&date_to=0001-01-02", "date_from"),
        ("date_from=2026-03-17&date_to=2101-01-01", "date_to"),
    ],
)
def test_the_stats_api_refuses_days_out_of_range(
    client: Client, calls_demo: None, bearer: Bearer, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/calls/stats?{query}", **bearer("senior_operator"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_date"
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/staff/calls/?date_to=9999-12-31",
        "/staff/calls/?date_from=0001-01-01",
        "/staff/calls/supervisor/?date_from=9999-12-31",
        "/staff/calls/supervisor/?date_from=0001-01-01&date_to=0001-01-02",
    ],
)
def test_the_pages_answer_422_with_the_form(client: Client, calls_demo: None, path: str) -> None:
    client.force_login(get_user_model().objects.get(username="senior_operator"))
    response = client.get(path)
    assert response.status_code == 422
    assert response.context["form"].errors
