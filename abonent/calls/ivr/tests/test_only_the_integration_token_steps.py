"""Only the PBX's integration user runs the voice menu: staff (even a superuser) and
anonymous callers are refused, and nothing is created."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.fake_pbx import URL

BODY = {"session": "S-1", "caller": "87011234567", "input": "", "seq": 1}


@pytest.mark.parametrize("username", ["cc_operator", "senior_operator", "admin"])
def test_staff_tokens_are_refused(
    client: Client, ivr_demo: None, token_for: Callable[[str], str], username: str
) -> None:
    resp = client.post(
        URL,
        BODY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(username)}",
    )
    assert (resp.status_code, resp.json()["code"]) == (403, "integration_only")
    assert IvrSession.objects.count() == IvrStep.objects.count() == 0


def test_a_superuser_is_not_the_pbx(
    client: Client, ivr_demo: None, token_for: Callable[[str], str]
) -> None:
    get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    resp = client.post(
        URL, BODY, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for('root')}"
    )
    assert (resp.status_code, resp.json()["code"]) == (403, "integration_only")
    assert IvrSession.objects.count() == 0


@pytest.mark.parametrize("header", [None, "Bearer not-a-token"])
def test_anonymous_and_bad_tokens_are_401(
    client: Client, ivr_demo: None, header: str | None
) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    resp = client.post(URL, BODY, content_type="application/json", **extra)
    assert (resp.status_code, resp.json()["code"]) == (401, "unauthorized")
    assert IvrSession.objects.count() == 0


def test_a_signed_in_staff_session_is_refused(client: Client, ivr_demo: None) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    resp = client.post(URL, BODY, content_type="application/json")
    assert resp.status_code == 401
    assert IvrSession.objects.count() == 0
