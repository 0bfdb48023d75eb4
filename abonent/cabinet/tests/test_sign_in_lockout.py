"""Cabinet sign-in: five failures lock the login as typed for 15 minutes, known or not."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.cabinet import auth
from abonent.cabinet.models import SignInThrottle
from abonent.core.models import AuditEntry

from .conftest import Clock


def attempt(login: str, secret: str) -> str:
    try:
        auth.sign_in(login=login, secret=secret)
    except auth.SignInLocked:
        return "locked"
    except auth.InvalidCredentials:
        return "wrong"
    return "ok"


@pytest.mark.parametrize("login", ["1000000001", "1999999999"])
def test_five_failures_lock_for_fifteen_minutes(
    cabinet_demo: None, auth_clock: Clock, login: str
) -> None:
    assert [attempt(login, f"guess{i}") for i in range(5)] == ["wrong"] * 5
    assert attempt(login, "demo") == "locked"
    auth_clock.tick(minutes=14, seconds=59)
    assert attempt(login, "demo") == "locked"
    auth_clock.tick(seconds=2)
    assert attempt(login, "demo") == ("ok" if login == "1000000001" else "wrong")
    assert AuditEntry.objects.filter(action="cabinet.sign_in_locked").count() == 1


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    cabinet_demo: None, auth_clock: Clock
) -> None:
    for _ in range(4):
        assert attempt("1000000001", "guess") == "wrong"
    auth_clock.tick(minutes=16)
    assert attempt("1000000001", "guess") == "wrong"
    assert attempt("1000000001", "demo") == "ok"
    assert not SignInThrottle.objects.exists()


def test_a_success_resets_the_count(cabinet_demo: None, auth_clock: Clock) -> None:
    for _ in range(4):
        attempt("1000000001", "guess")
    assert attempt("1000000001", "demo") == "ok"
    for _ in range(4):
        assert attempt("1000000001", "guess") == "wrong"
    assert attempt("1000000001", "demo") == "ok"


def test_the_page_answers_429_when_locked(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    for _ in range(5):
        client.post("/cabinet/sign-in/", {"login": "1000000002", "secret": "x"})
    response = client.post("/cabinet/sign-in/", {"login": "1000000002", "secret": "demo"})
    assert response.status_code == 429
    assert auth.SESSION_LOGIN not in client.session


def test_one_address_guessing_many_logins_is_rate_limited(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    answers = [
        client.post("/cabinet/sign-in/", {"login": f"10000{n:05d}", "secret": "x"}).status_code
        for n in range(31)
    ]
    assert answers == [401] * 30 + [429]
