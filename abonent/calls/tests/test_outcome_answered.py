"""The outcome of a call (CC-5, issue #6 point 5): ``answered`` is stored once with its
topic (a C-2 code) and answer; a replay answers 200 with the same outcome; anything else
on the same call is 409 ``outcome_exists``; refusals change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.calls.models import CallOutcome
from abonent.calls.tests.conftest import TUESDAY_10, audit_actions
from abonent.calls.tests.fake_oktell import FakeOktell
from abonent.core.models import AuditEntry

Post = Callable[..., Any]
ANSWER = {"outcome": "answered", "topic": "charges", "answer": "Долг 1 200 тг, оплатить до 25-го."}


def test_an_answered_call_stores_its_outcome_and_an_audit_row(
    answered: str, post_outcome: Post
) -> None:
    r = post_outcome(answered, ANSWER)
    assert r.status_code == 201
    body = r.json()
    assert body == {
        "call_id": "C-1",
        "outcome": "answered",
        "topic": "charges",
        "answer": "Долг 1 200 тг, оплатить до 25-го.",
        "warning_given": False,
        "recorded_at": "2026-03-17T10:05:00+05:00",
        "recorded_by": "cc_operator",
        "callback": None,
        "appeal": None,
        "unit_request": None,
    }
    outcome = CallOutcome.objects.get()
    assert (outcome.call.call_id, outcome.kind, outcome.topic) == ("C-1", "answered", "charges")
    entry = AuditEntry.objects.get(action="call.outcome_recorded")
    assert entry.actor_label == "cc_operator"
    assert entry.object_id == str(outcome.pk)
    assert entry.after == {"call": "C-1", "kind": "answered", "topic": "charges"}


def test_the_same_request_replayed_answers_200_with_the_same_outcome(
    answered: str, post_outcome: Post
) -> None:
    first = post_outcome(answered, ANSWER)
    again = post_outcome(answered, {**ANSWER, "answer": "  " + ANSWER["answer"] + " "})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert CallOutcome.objects.count() == 1
    assert audit_actions() == ["call.outcome_recorded"]


@pytest.mark.parametrize(
    "second",
    [
        {**ANSWER, "answer": "Другой ответ."},
        {**ANSWER, "topic": "disconnection"},
        {"outcome": "abuse", "warning_given": True},
    ],
)
def test_a_second_different_outcome_is_409(
    answered: str, post_outcome: Post, second: dict[str, Any]
) -> None:
    post_outcome(answered, ANSWER)
    r = post_outcome(answered, second)
    assert r.status_code == 409
    assert r.json()["code"] == "outcome_exists"
    outcome = CallOutcome.objects.get()
    assert (outcome.kind, outcome.topic, outcome.answer) == (
        "answered", "charges", ANSWER["answer"]
    )  # fmt: skip
    assert audit_actions() == ["call.outcome_recorded"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "answered", "answer": "Ответ."}, "topic"),
        ({"outcome": "answered", "topic": "charges", "answer": "   "}, "answer"),
        ({"outcome": "answered", "topic": "weather", "answer": "Ответ."}, "topic"),
        ({"outcome": "passed", "topic": "charges", "answer": "x", "department": "chancellery"},
         "department"),
        ({"outcome": "callback", "topic": "charges"}, "callback_at"),
    ],
)  # fmt: skip
def test_missing_or_wrong_fields_are_422_and_store_nothing(
    answered: str, post_outcome: Post, body: dict[str, Any], field: str
) -> None:
    r = post_outcome(answered, body)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"
    assert list(r.json()["fields"]) == [field]
    assert CallOutcome.objects.count() == 0
    assert audit_actions() == []


def test_an_unknown_outcome_is_422(answered: str, post_outcome: Post) -> None:
    r = post_outcome(answered, {"outcome": "hung_up", "topic": "charges"})
    assert (r.status_code, r.json()["code"]) == (422, "unknown_outcome")
    assert CallOutcome.objects.count() == 0


def test_a_missed_call_has_no_outcome(pbx: FakeOktell, clock: object, post_outcome: Post) -> None:
    pbx.missed_call(phone="87011234567", start=TUESDAY_10)
    chain = pbx.calls[-1].chain_id
    r = post_outcome(chain, ANSWER, username="senior_operator")
    assert (r.status_code, r.json()["code"]) == (409, "call_not_answered")
    assert CallOutcome.objects.count() == 0


def test_an_unknown_call_is_404(answered: str, post_outcome: Post) -> None:
    r = post_outcome("nope", ANSWER)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("username", ["oktell", "cashier", "chancellery", "head", "admin_sys"])
def test_other_roles_and_integrations_may_not_post(
    answered: str, post_outcome: Post, username: str, sysadmin: Any
) -> None:
    r = post_outcome(answered, ANSWER, username=username)
    assert r.status_code == 403
    assert CallOutcome.objects.count() == 0


def test_an_operator_records_only_the_calls_they_took(
    pbx: FakeOktell, clock: object, post_outcome: Post, second_operator: Any
) -> None:
    pbx.answered_call(phone="87011234567", operator="305", start=TUESDAY_10, chain_id="OTHER")
    r = post_outcome("OTHER", ANSWER)
    assert r.status_code == 403
    assert CallOutcome.objects.count() == 0
    assert post_outcome("OTHER", ANSWER, username="senior_operator").status_code == 201
