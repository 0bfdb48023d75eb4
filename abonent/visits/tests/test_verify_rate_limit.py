"""Guessing codes is stopped: 10 lookups per client in 10 minutes, then 429; and a global
lockout once failures from all clients together reach the hourly limit. Every lookup,
refused ones included, is audited."""

from __future__ import annotations

import pytest

from abonent.visits.models import VerifyLookup
from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db


def test_a_client_guessing_repeatedly_gets_429(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    for i in range(10):
        res = client.get("/api/v1/visits/verify", {"code": f"ZZZZ-ZZ{'23456789ABCD'[i]}Z"})
        assert res.status_code == 404
    res = client.get("/api/v1/visits/verify", {"code": code_of(visit)})
    assert res.status_code == 429
    assert res.json()["code"] == "rate_limited"
    assert VerifyLookup.objects.filter(result="not_found").count() == 10
    assert VerifyLookup.objects.filter(result="limited").count() == 1
    # another client is not affected
    other = client.get("/api/v1/visits/verify", {"code": code_of(visit)}, REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200


def test_many_failures_from_everyone_close_the_check(api_as, clock, client, settings) -> None:
    settings.ABONENT_VISITS_VERIFY_GLOBAL_FAILURES = 3
    visit = plan(NEXT_TUESDAY)
    for i in range(3):
        res = client.get("/api/v1/visits/verify", {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR=f"10.0.1.{i}")
        assert res.status_code == 404
    res = client.get("/api/v1/visits/verify", {"code": code_of(visit)}, REMOTE_ADDR="10.0.2.1")
    assert res.status_code == 429
    assert VerifyLookup.objects.filter(result="limited").count() == 1


def test_the_page_also_answers_429_when_limited(api_as, clock, client) -> None:
    for _ in range(10):
        assert client.post("/visits/verify/", {"code": "ZZZZ-ZZZZ"}).status_code == 404
    res = client.post("/visits/verify/", {"code": "ZZZZ-ZZZZ"})
    assert res.status_code == 429
    assert 'role="alert"' in res.content.decode()
