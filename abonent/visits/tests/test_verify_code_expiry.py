"""Codes expire after the visit (its end plus the grace period, or when the outcome is
recorded, or when it is cancelled); an expired and a wrong code get the same answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db


def _check(client, code: str):
    return client.get("/api/v1/visits/verify", {"code": code})


def test_a_code_expires_after_the_visit_and_answers_like_a_wrong_one(
    api_as, clock, client, settings
) -> None:
    settings.ABONENT_VISITS_CODE_GRACE_MINUTES = 120
    visit = plan(NEXT_TUESDAY)  # 10:00-12:00
    code = code_of(visit)
    clock.set(NEXT_TUESDAY + timedelta(hours=3, minutes=59))
    assert _check(client, code).status_code == 200
    clock.set(NEXT_TUESDAY + timedelta(hours=4))
    expired = _check(client, code)
    wrong = _check(client, "ZZZZ-ZZZZ" if code != "ZZZZZZZZ" else "YYYY-YYYY")
    assert expired.status_code == wrong.status_code == 404
    assert expired.json() == wrong.json()
    assert expired.json()["code"] == "not_found"


def test_a_code_expires_when_the_outcome_is_recorded(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    clock.set(NEXT_TUESDAY + timedelta(minutes=20))
    assert _check(client, code_of(visit)).status_code == 200
    api_as("controller").post(f"/{visit.pk}/outcome", {"outcome": "refused_entry"})
    assert _check(client, code_of(visit)).status_code == 404


def test_a_code_expires_when_the_visit_is_cancelled(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    res = api_as("head").post(f"/{visit.pk}/cancel", {"reason": "Потребитель отказался"})
    assert res.status_code == 200
    assert res.json()["status"] == "cancelled"
    assert _check(client, code_of(visit)).status_code == 404
