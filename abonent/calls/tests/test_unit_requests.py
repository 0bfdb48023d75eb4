"""CC-1: a request passed to a unit (sales, contracts, accounting) is tracked open → done and
listed for that unit; the unit marks it done with a note; other units don't see it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.models import UnitRequest
from abonent.calls.tests.conftest import audit_actions
from abonent.core.models import AuditEntry

Post = Callable[..., Any]
Bearer = Callable[[str], dict[str, str]]
PASSED = {"outcome": "passed", "topic": "disconnection", "department": "sales",
          "answer": "Проверить отключение по ул. Примерной, 5."}  # fmt: skip


@pytest.fixture
def passed(answered: str, post_outcome: Post) -> UnitRequest:
    r = post_outcome(answered, PASSED)
    assert r.status_code == 201
    return UnitRequest.objects.get()


def test_the_request_is_open_for_sales(passed: UnitRequest) -> None:
    assert (passed.department.code, passed.status) == ("sales", "open")
    assert passed.outcome.answer == "Проверить отключение по ул. Примерной, 5."
    entry = AuditEntry.objects.get(action="call.outcome_recorded")
    assert entry.after == {"call": "C-1", "kind": "passed", "topic": "disconnection",
                           "unit_request": passed.pk, "department": "sales"}  # fmt: skip


def test_the_unit_lists_its_requests(client: Client, passed: UnitRequest, bearer: Bearer) -> None:
    r = client.get("/api/v1/calls/requests", **bearer("executor"))  # sales
    assert r.status_code == 200
    assert r.json() == [
        {
            "id": passed.pk,
            "department": "sales",
            "status": "open",
            "text": "Проверить отключение по ул. Примерной, 5.",
            "topic": "disconnection",
            "call_id": "C-1",
            "phone": "+77011234567",
            "passed_at": "2026-03-17T10:05:00+05:00",
            "passed_by": "cc_operator",
            "done_at": None,
            "done_by": None,
            "note": "",
        }
    ]


def test_another_unit_does_not_see_it(client: Client, passed: UnitRequest, bearer: Bearer) -> None:
    r = client.get("/api/v1/calls/requests", **bearer("cashier"))  # accounting
    assert (r.status_code, r.json()) == (200, [])
    r = client.get("/api/v1/calls/requests?department=sales", **bearer("cashier"))
    assert r.json() == []


def test_the_contact_centre_sees_every_unit_filtered(
    client: Client, passed: UnitRequest, bearer: Bearer
) -> None:
    sales = client.get("/api/v1/calls/requests?department=sales", **bearer("cc_operator"))
    accounting = client.get("/api/v1/calls/requests?department=accounting", **bearer("manager"))
    assert [x["id"] for x in sales.json()] == [passed.pk]
    assert accounting.json() == []


def done(client: Client, headers: dict[str, str], pk: int, note: str) -> Any:
    return client.post(f"/api/v1/calls/requests/{pk}/done", json.dumps({"note": note}),
                       content_type="application/json", **headers)  # fmt: skip


def test_the_unit_marks_it_done_with_a_note(
    client: Client, passed: UnitRequest, bearer: Bearer, clock: Any
) -> None:
    r = done(client, bearer("executor"), passed.pk, "Подключено 17.03.")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["done_by"], r.json()["note"]) == (
        "done", "executor", "Подключено 17.03."
    )  # fmt: skip
    assert r.json()["done_at"] == "2026-03-17T10:05:00+05:00"
    assert audit_actions()[-1] == "call.unit_request_done"
    again = done(client, bearer("executor"), passed.pk, "Ещё раз.")
    assert (again.status_code, again.json()["code"]) == (409, "request_done")
    assert UnitRequest.objects.get().note == "Подключено 17.03."


@pytest.mark.parametrize(
    ("username", "status"), [("cashier", 404), ("cc_operator", 403), ("oktell", 403)]
)
def test_others_may_not_mark_it_done(
    client: Client, passed: UnitRequest, bearer: Bearer, username: str, status: int
) -> None:
    r = done(client, bearer(username), passed.pk, "Сделано.")
    assert r.status_code == status
    assert UnitRequest.objects.get().status == "open"
    assert audit_actions() == ["call.outcome_recorded"]


def test_an_empty_note_is_422(client: Client, passed: UnitRequest, bearer: Bearer) -> None:
    r = done(client, bearer("executor"), passed.pk, "   ")
    assert (r.status_code, r.json()["code"]) == (422, "note_required")
    assert UnitRequest.objects.get().status == "open"


def test_the_units_page_lists_and_closes(client: Client, passed: UnitRequest) -> None:
    client.force_login(get_user_model().objects.get(username="executor"))
    page = client.get("/staff/calls/requests/")
    assert page.status_code == 200
    assert [r.pk for r in page.context["rows"]] == [passed.pk]
    assert f'action="/staff/calls/requests/{passed.pk}/done/"' in page.content.decode()
    r = client.post(f"/staff/calls/requests/{passed.pk}/done/", {"note": "Сделано."})
    assert r.status_code == 302
    assert UnitRequest.objects.get().status == "done"
    client.force_login(get_user_model().objects.get(username="cashier"))
    assert client.get("/staff/calls/requests/?show=done").context["rows"] == []
