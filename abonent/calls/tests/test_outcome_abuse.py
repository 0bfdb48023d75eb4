"""CC-7: a call ended for abuse is recorded only once the operator confirms that the caller
was warned; without the confirmation nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.calls.models import CallOutcome
from abonent.calls.tests.conftest import audit_actions

Post = Callable[..., Any]


@pytest.mark.parametrize(
    "body", [{"outcome": "abuse"}, {"outcome": "abuse", "warning_given": False}]
)
def test_abuse_without_the_warning_is_422(
    answered: str, post_outcome: Post, body: dict[str, Any]
) -> None:
    r = post_outcome(answered, body)
    assert r.status_code == 422
    assert r.json()["code"] == "warning_required"
    assert list(r.json()["fields"]) == ["warning_given"]
    assert CallOutcome.objects.count() == 0
    assert audit_actions() == []


def test_abuse_after_the_warning_is_recorded_without_a_topic(
    answered: str, post_outcome: Post
) -> None:
    r = post_outcome(answered, {"outcome": "abuse", "warning_given": True, "answer": "Угрозы."})
    assert r.status_code == 201
    assert (r.json()["outcome"], r.json()["topic"], r.json()["warning_given"]) == (
        "abuse", "", True
    )  # fmt: skip
    stored = CallOutcome.objects.get()
    assert (stored.kind, stored.warning_given, stored.answer) == ("abuse", True, "Угрозы.")
    assert audit_actions() == ["call.outcome_recorded"]


def test_the_warning_flag_is_not_kept_for_other_outcomes(answered: str, post_outcome: Post) -> None:
    body = {"outcome": "answered", "topic": "other", "answer": "Ответ.", "warning_given": True}
    assert post_outcome(answered, body).json()["warning_given"] is False
