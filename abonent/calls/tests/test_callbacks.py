"""CC-6: callbacks are listed due first with the overdue ones flagged, marked done with a
note, and given to another operator or the pool; refusals change nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.models import Callback
from abonent.calls.tests.conftest import ASTANA, TUESDAY_10, Clock, audit_actions
from abonent.calls.tests.fake_oktell import FakeOktell

Post = Callable[..., Any]
Bearer = Callable[[str], dict[str, str]]


@pytest.fixture
def tasks(pbx: FakeOktell, clock: Clock, post_outcome: Post) -> list[int]:
    """Three callbacks of cc_operator's calls: Tue 11:00 (to the pool), Tue 10:30, Wed 09:30;
    then the clock moves to Tue 10:45, so the 10:30 one is overdue."""
    ids = []
    for n, (due, to) in enumerate(
        [("2026-03-17T11:00:00+05:00", "pool"), ("2026-03-17T10:30:00+05:00", "me"),
         ("2026-03-18T09:30:00+05:00", "me")]
    ):  # fmt: skip
        pbx.answered_call(phone=f"8701123456{n}", operator="201", start=TUESDAY_10,
                          chain_id=f"CB-{n}")  # fmt: skip
        r = post_outcome(f"CB-{n}", {"outcome": "callback", "topic": "charges",
                                     "callback_at": due, "callback_to": to})  # fmt: skip
        ids.append(r.json()["callback"]["id"])
    clock.set(datetime(2026, 3, 17, 10, 45, tzinfo=ASTANA))
    return ids


def test_due_first_with_the_overdue_flag(
    client: Client, tasks: list[int], bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    headers = bearer("senior_operator")
    client.get("/api/v1/callbacks", **headers)  # the token's once-a-minute touch
    with django_assert_max_num_queries(3):  # token, roles, one list query
        r = client.get("/api/v1/callbacks", **headers)
    rows = r.json()
    assert [(x["call_id"], x["overdue"], x["assignee"]) for x in rows] == [
        ("CB-1", True, "cc_operator"),
        ("CB-0", False, None),
        ("CB-2", False, "cc_operator"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("assignee=pool", ["CB-0"]), ("assignee=me", ["CB-1", "CB-2"]), ("overdue=true", ["CB-1"]),
     ("status=done", [])],
)  # fmt: skip
def test_filters(
    client: Client, tasks: list[int], bearer: Bearer, query: str, expected: list[str]
) -> None:
    r = client.get(f"/api/v1/callbacks?{query}", **bearer("cc_operator"))
    assert [x["call_id"] for x in r.json()] == expected


def post(client: Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_done_with_a_note(client: Client, tasks: list[int], bearer: Bearer) -> None:
    r = post(client, f"/api/v1/callbacks/{tasks[1]}/done", {"note": "Перезвонила, ответила."},
             bearer("cc_operator"))  # fmt: skip
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["done_by"], r.json()["done_at"], r.json()["overdue"]) == (
        "done", "cc_operator", "2026-03-17T10:45:00+05:00", False
    )  # fmt: skip
    assert audit_actions().count("call.callback_done") == 1
    again = post(client, f"/api/v1/callbacks/{tasks[1]}/done", {"note": "x"}, bearer("cc_operator"))
    assert (again.status_code, again.json()["code"]) == (409, "callback_done")
    assert Callback.objects.get(pk=tasks[1]).note == "Перезвонила, ответила."


def test_an_empty_note_is_refused(client: Client, tasks: list[int], bearer: Bearer) -> None:
    r = post(client, f"/api/v1/callbacks/{tasks[1]}/done", {"note": " "}, bearer("cc_operator"))
    assert (r.status_code, r.json()["code"]) == (422, "note_required")
    assert Callback.objects.get(pk=tasks[1]).status == "open"


def test_another_operator_may_take_a_pool_callback_but_not_a_colleagues(
    client: Client, tasks: list[int], bearer: Bearer, second_operator: Any
) -> None:
    headers = bearer("cc_operator2")
    mine = post(client, f"/api/v1/callbacks/{tasks[1]}/done", {"note": "x"}, headers)
    assert mine.status_code == 403
    assert Callback.objects.get(pk=tasks[1]).status == "open"
    pool = post(client, f"/api/v1/callbacks/{tasks[0]}/reassign", {"assignee": "cc_operator2"},
                headers)  # fmt: skip
    assert pool.status_code == 200 and pool.json()["assignee"] == "cc_operator2"


def test_reassign_to_the_pool_and_back(client: Client, tasks: list[int], bearer: Bearer) -> None:
    headers = bearer("senior_operator")
    r = post(client, f"/api/v1/callbacks/{tasks[2]}/reassign", {"assignee": None}, headers)
    assert r.json()["assignee"] is None
    r = post(client, f"/api/v1/callbacks/{tasks[2]}/reassign", {"assignee": "senior_operator"},
             headers)  # fmt: skip
    assert r.json()["assignee"] == "senior_operator"
    assert audit_actions().count("call.callback_reassigned") == 2


@pytest.mark.parametrize("assignee", ["cashier", "nobody"])
def test_callbacks_go_only_to_contact_centre_operators(
    client: Client, tasks: list[int], bearer: Bearer, assignee: str
) -> None:
    r = post(client, f"/api/v1/callbacks/{tasks[2]}/reassign", {"assignee": assignee},
             bearer("senior_operator"))  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (422, "invalid_assignee")
    assert Callback.objects.get(pk=tasks[2]).assignee.username == "cc_operator"  # type: ignore[union-attr]


@pytest.mark.parametrize("username", ["cashier", "chancellery", "oktell"])
def test_other_roles_see_no_callbacks(
    client: Client, tasks: list[int], bearer: Bearer, username: str
) -> None:
    assert client.get("/api/v1/callbacks", **bearer(username)).status_code == 403


def test_the_page_highlights_the_overdue_one(
    client: Client, tasks: list[int], django_assert_max_num_queries: Any
) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    # session, user, roles, the list, the operators, the staff menu's profile.
    with django_assert_max_num_queries(6):
        r = client.get("/staff/calls/callbacks/")
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('class="overdue"') == 1
    assert f'<tr class="overdue" id="callback-{tasks[1]}">' in body
    assert body.count('<span class="overdue-mark">') == 1


def test_the_page_marks_done_and_reassigns(client: Client, tasks: list[int]) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    r = client.post(f"/staff/calls/callbacks/{tasks[1]}/done/", {"note": "Ответила."})
    assert r.status_code == 302
    r = client.post(f"/staff/calls/callbacks/{tasks[2]}/reassign/", {"assignee": ""})
    assert r.status_code == 302
    assert Callback.objects.get(pk=tasks[1]).status == "done"
    assert Callback.objects.get(pk=tasks[2]).assignee is None
    refused = client.post(f"/staff/calls/callbacks/{tasks[0]}/done/", {"note": ""})
    assert refused.status_code == 422
    assert Callback.objects.get(pk=tasks[0]).status == "open"
