"""A callback's time (CC-6, review 2 item 2): at most 60 days ahead (``callback_too_far``,
before the working-day calendar is asked about year 9999); year 1 is in the past."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abonent.calls.models import Callback, CallOutcome


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("9999-12-31T12:00:00+05:00", "callback_too_far"),
        ("2026-05-18T10:00:00+05:00", "callback_too_far"),  # 62 days after Tue 17 March
        ("0001-01-02T12:00:00+05:00", "callback_in_past"),
    ],
)
def test_a_far_callback_is_refused_and_nothing_recorded(
    answered: str, post_outcome: Callable[..., Any], at: str, code: str
) -> None:
    response = post_outcome(
        answered, {"outcome": "callback", "topic": "charges", "callback_at": at}
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == ["callback_at"]
    assert CallOutcome.objects.count() == 0
    assert Callback.objects.count() == 0


@pytest.mark.django_db
def test_a_callback_within_sixty_days_is_taken(
    answered: str, post_outcome: Callable[..., Any]
) -> None:
    at = "2026-05-15T10:00:00+05:00"  # a Friday, 59 days ahead
    response = post_outcome(
        answered, {"outcome": "callback", "topic": "charges", "callback_at": at}
    )
    assert response.status_code == 201
    assert response.json()["callback"]["due_at"] == at
