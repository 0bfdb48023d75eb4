"""The readings API must sustain 500/s: a submission is a handful of statements."""

from __future__ import annotations

from typing import Any

from abonent.cabinet.models import Meter

from .conftest import Api, Clock, add_history


def test_a_submission_with_history_stays_within_eight_queries(
    ivr: Api, meter: Meter, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    add_history(meter, list(range(100, 230, 10)))
    ivr.post(
        "/readings", {"account": "100200300", "meter": "HW-1", "value": "231", "source": "ivr"}
    )
    with django_assert_max_num_queries(8):
        response = ivr.post(
            "/readings", {"account": "100200300", "meter": "HW-1", "value": "232", "source": "ivr"}
        )
    assert response.status_code == 201
