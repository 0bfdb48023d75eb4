"""Sign-in with a one-time code to the e-mail on file, and setting a new secret after it
(the consumer's own secret reset)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from abonent.cabinet import auth, codes
from abonent.cabinet.models import SignInCode
from abonent.core.models import AuditEntry

from .conftest import Clock, sign_in


def sent_code() -> str:
    assert len(mail.outbox) >= 1
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def request(client: Client, login: str) -> str:
    response = client.post("/cabinet/sign-in/code/", {"step": "request", "login": login})
    assert response.status_code == 200
    return response.content.decode()


def test_a_code_by_email_signs_in_once(
    client: Client, cabinet_demo: None, auth_clock: Clock, run_tasks: Any
) -> None:
    request(client, "1000000001")
    run_tasks()
    assert mail.outbox[0].to == ["aigerim.demo@example.kz"]
    code = sent_code()
    response = client.post(
        "/cabinet/sign-in/code/", {"step": "verify", "login": "1000000001", "code": code}
    )
    assert (response.status_code, response["Location"]) == (302, "/cabinet/")
    other = Client()
    again = other.post(
        "/cabinet/sign-in/code/", {"step": "verify", "login": "1000000001", "code": code}
    )
    assert again.status_code == 401
    assert not any(
        code in str(row) for row in AuditEntry.objects.values_list("before", "after", "note")
    )
    assert not SignInCode.objects.filter(code_hash__contains=code).exists()


def test_the_answer_is_the_same_for_unknown_logins_and_logins_without_email(
    client: Client, cabinet_demo: None, auth_clock: Clock, run_tasks: Any
) -> None:
    pages = [request(client, login) for login in ("1000000001", "1999999999", "1000000003")]
    run_tasks()
    status = [re.search(r'<p role="status">(.*?)</p>', p).group(1) for p in pages]  # type: ignore[union-attr]
    assert status[0] == status[1] == status[2]
    assert len(mail.outbox) == 1


def test_wrong_codes_count_towards_the_lockout(
    cabinet_demo: None, auth_clock: Clock, run_tasks: Any
) -> None:
    codes.request_code(login="1000000001")
    run_tasks()
    code = sent_code()
    for _ in range(5):
        with pytest.raises(auth.InvalidCredentials):
            codes.sign_in_with_code(
                login="1000000001", code="000000" if code != "000000" else "111111"
            )
    with pytest.raises(auth.SignInLocked):
        codes.sign_in_with_code(login="1000000001", code=code)


def test_a_code_expires_after_fifteen_minutes(
    cabinet_demo: None, auth_clock: Clock, run_tasks: Any
) -> None:
    codes.request_code(login="1000000001")
    run_tasks()
    auth_clock.tick(minutes=15, seconds=1)
    with pytest.raises(auth.InvalidCredentials):
        codes.sign_in_with_code(login="1000000001", code=sent_code())


def test_at_most_three_codes_per_quarter_hour(
    cabinet_demo: None, auth_clock: Clock, run_tasks: Any
) -> None:
    for _ in range(5):
        codes.request_code(login="bereke@demo.kz")
    run_tasks()
    assert len(mail.outbox) == 3
    auth_clock.tick(minutes=16)
    codes.request_code(login="bereke@demo.kz")
    run_tasks()
    assert len(mail.outbox) == 4


def test_a_new_secret_replaces_the_old_and_ends_other_sessions(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    elsewhere = Client()
    sign_in(elsewhere, "1000000002")
    sign_in(client, "1000000002")
    weak = client.post("/cabinet/secret/", {"secret": "12345678", "repeat": "12345678"})
    assert weak.status_code == 302
    assert auth.sign_in(login="1000000002", secret="demo").login == "1000000002"
    client.post("/cabinet/secret/", {"secret": "Бәрі жақсы 2026", "repeat": "Бәрі жақсы 2026"})
    assert client.get("/cabinet/").status_code == 200
    assert elsewhere.get("/cabinet/").status_code == 302
    assert auth.sign_in(login="1000000002", secret="Бәрі жақсы 2026").login == "1000000002"
    with pytest.raises(auth.InvalidCredentials):
        auth.sign_in(login="1000000002", secret="demo")


def test_the_two_secrets_must_match(cabinet_demo: None) -> None:
    from abonent.cabinet.models import CabinetLogin
    from abonent.core.errors import InvalidInput

    login = CabinetLogin.objects.get(login="1000000001")
    with pytest.raises(InvalidInput) as differ:
        auth.change_secret(login=login, secret="long enough 1", repeat="long enough 2")
    assert differ.value.code == "secrets_differ"
    with pytest.raises(InvalidInput) as weak:
        auth.change_secret(login=login, secret="short", repeat="short")
    assert weak.value.code == "weak_secret"
