"""Cabinet sign-in: a wrong account number and a wrong secret get the same answer, and
neither starts a session."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import translation

from abonent.cabinet import auth

from .conftest import Clock, sign_in


def alert(content: bytes) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', content.decode())
    assert match is not None
    return match.group(1)


def test_wrong_secret_and_unknown_account_answer_alike(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    wrong_secret = sign_in(client, "1000000001", "guess")
    unknown = sign_in(client, "1999999999", "demo")
    assert wrong_secret.status_code == unknown.status_code == 401
    with translation.override("ru"):
        expected = str(auth.WRONG)
    assert alert(wrong_secret.content) == alert(unknown.content) == expected
    assert auth.SESSION_LOGIN not in client.session


def test_the_right_secret_signs_in(client: Client, cabinet_demo: None, auth_clock: Clock) -> None:
    response = sign_in(client, " 1000 000 001 ")
    assert (response.status_code, response["Location"]) == (302, "/cabinet/")
    assert auth.SESSION_LOGIN in client.session
    assert "_auth_user_id" not in client.session


def test_a_representative_signs_in_by_login_in_any_case(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    assert sign_in(client, "Bereke@Demo.KZ").status_code == 302
