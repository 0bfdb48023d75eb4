"""The searchable call log (CC-4): GET /api/v1/calls and the staff page /staff/calls/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import FakeOktell

Bearer = Callable[[str], dict[str, str]]


@pytest.fixture
def log(pbx: FakeOktell) -> FakeOktell:
    """Three days of calls: 2 per day from two callers, the operator 201 or an unknown one."""
    for day in range(3):
        start = TUESDAY_10 + timedelta(days=day)
        pbx.answered_call(phone="87011234567", operator="201", start=start,
                          chain_id=f"D{day}-A")  # fmt: skip
        pbx.answered_call(phone="+7 777 000 11 22", operator="305",
                          start=start + timedelta(hours=1), chain_id=f"D{day}-B")  # fmt: skip
    pbx.missed_call(phone="87011234567", start=TUESDAY_10 + timedelta(days=1, hours=3))
    return pbx


def ids(response: object) -> list[str]:
    return [row["call_id"] for row in response.json()["items"]]  # type: ignore[attr-defined]


def test_newest_first_with_all_fields(client: Client, log: FakeOktell, bearer: Bearer) -> None:
    r = client.get("/api/v1/calls?limit=2", **bearer("cc_operator"))
    assert r.status_code == 200
    first = r.json()["items"][0]
    assert first == {
        "id": first["id"],
        "call_id": "D2-B",
        "at": "2026-03-19T11:00:00+05:00",
        "status": "completed",
        "direction": "in",
        "phone": "+77770001122",
        "operator": "305",
        "operator_username": None,
        "started_at": "2026-03-19T11:00:00+05:00",
        "answered_at": "2026-03-19T11:00:20+05:00",
        "ended_at": "2026-03-19T11:01:55+05:00",
        "duration": 95,
        "recorded": False,
        "recording": False,
        "retained_for_appeal": False,
    }
    assert ids(r) == ["D2-B", "D2-A"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("phone=8 701 123 45 67", ["D2-A", "missed", "D1-A", "D0-A"]),
        ("date_from=2026-03-18&date_to=2026-03-18", ["missed", "D1-B", "D1-A"]),
        ("date_from=2026-03-19", ["D2-B", "D2-A"]),
        ("date_to=2026-03-17", ["D0-B", "D0-A"]),
        ("operator=cc_operator", ["D2-A", "D1-A", "D0-A"]),
        ("operator=305&date_to=2026-03-18", ["D1-B", "D0-B"]),
        ("status=missed", ["missed"]),
    ],
)
def test_filters(
    client: Client, log: FakeOktell, bearer: Bearer, query: str, expected: list[str]
) -> None:
    missed = log.calls[-1].chain_id.lower()
    r = client.get(f"/api/v1/calls?{query}", **bearer("senior_operator"))
    assert r.status_code == 200
    assert ids(r) == [missed if e == "missed" else e for e in expected]


def test_keyset_pages_cover_everything_once_in_fixed_queries(
    client: Client, log: FakeOktell, bearer: Bearer, django_assert_max_num_queries: object
) -> None:
    headers = bearer("manager")
    client.get("/api/v1/calls?limit=1", **headers)  # the token's once-a-minute touch
    seen: list[str] = []
    url = "/api/v1/calls?limit=2"
    while url:
        # token, roles, one page query (operators joined).
        with django_assert_max_num_queries(3):  # type: ignore[operator]
            r = client.get(url, **headers)
        seen += ids(r)
        cursor = r.json()["next_cursor"]
        url = f"/api/v1/calls?limit=2&cursor={cursor}" if cursor else ""
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen[:2] == ["D2-B", "D2-A"] and seen[-1] == "D0-A"


@pytest.mark.parametrize(
    ("query", "code"), [("cursor=zzz", "invalid_cursor"), ("phone=abc", "invalid_phone")]
)
def test_bad_filters_are_422(
    client: Client, log: FakeOktell, bearer: Bearer, query: str, code: str
) -> None:
    r = client.get(f"/api/v1/calls?{query}", **bearer("head"))
    assert r.status_code == 422
    assert r.json()["code"] == code


@pytest.mark.parametrize("username", ["cc_operator", "senior_operator", "head", "manager", "admin"])
def test_log_roles_may_read(client: Client, log: FakeOktell, bearer: Bearer, username: str) -> None:
    assert client.get("/api/v1/calls", **bearer(username)).status_code == 200


@pytest.mark.parametrize("username", ["operator", "cashier", "chancellery", "executor", "clerk"])
def test_other_roles_may_not(
    client: Client, log: FakeOktell, bearer: Bearer, username: str
) -> None:
    r = client.get("/api/v1/calls", **bearer(username))
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"


def test_the_staff_page_shows_the_filtered_log(client: Client, log: FakeOktell) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    r = client.get("/staff/calls/", {"phone": "+77770001122", "date_from": "2026-03-18"})
    assert r.status_code == 200
    body = r.content.decode()
    assert [c.call_id for c in r.context["calls"]] == ["D2-B", "D1-B"]
    assert body.count("<td>+77770001122</td>") == 2
    assert "+77011234567" not in body
    assert "19.03.2026 11:00:00" in body and "18.03.2026 11:00:00" in body


def test_the_staff_page_pages_with_a_next_link(client: Client, pbx: FakeOktell) -> None:
    for n in range(55):
        pbx.missed_call(phone="87011234567", start=TUESDAY_10 + timedelta(minutes=n))
    client.force_login(get_user_model().objects.get(username="head"))
    r = client.get("/staff/calls/")
    assert r.status_code == 200
    next_url = r.context["next_url"]
    assert next_url is not None and len(r.context["calls"]) == 50
    r2 = client.get("/staff/calls/" + next_url)
    assert len(r2.context["calls"]) == 5
    assert r2.context["next_url"] is None


def test_the_staff_page_refuses_other_roles(client: Client, log: FakeOktell) -> None:
    client.force_login(get_user_model().objects.get(username="cashier"))
    assert client.get("/staff/calls/").status_code == 403


def test_the_staff_page_needs_a_login(client: Client, log: FakeOktell) -> None:
    r = client.get("/staff/calls/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_a_bad_phone_filter_on_the_page_is_422(client: Client, log: FakeOktell) -> None:
    client.force_login(get_user_model().objects.get(username="head"))
    r = client.get("/staff/calls/", {"phone": "not a phone"})
    assert r.status_code == 422
    assert r.context["calls"] == []
