"""Bearer tokens for staff and integrations; `issue_token` prints one alone on its last line."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from abonent.core.auth import TokenAuth
from abonent.core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def test_issue_token_prints_a_token_alone_on_its_last_line(demo: None) -> None:
    out = StringIO()
    call_command("issue_token", "chancellery", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("abn_") and " " not in raw
    token = ApiToken.objects.get()
    assert token.user.username == "chancellery"
    assert token.key_hash != raw  # only the hash is stored
    assert ApiToken.objects.for_raw(raw).get() == token
    entry = AuditEntry.objects.get(action="api_token.issued")
    assert entry.after == {"user": "chancellery", "name": "cli", "prefix": raw[:12]}


def test_issue_token_refuses_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_token", "ghost")
    assert ApiToken.objects.count() == 0


def test_token_auth_finds_the_user_and_refuses_revoked_tokens(demo: None, token_for) -> None:
    raw = token_for("operator")
    auth = TokenAuth()

    class Req:
        user = None

    assert auth.authenticate(Req(), raw).username == "operator"  # type: ignore[arg-type]
    assert auth.authenticate(Req(), raw + "x") is None  # type: ignore[arg-type]
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert auth.authenticate(Req(), raw) is None  # type: ignore[arg-type]


def test_inactive_users_tokens_stop_working(demo: None, token_for) -> None:
    raw = token_for("operator")
    get_user_model().objects.filter(username="operator").update(is_active=False)

    class Req:
        user = None

    assert TokenAuth().authenticate(Req(), raw) is None  # type: ignore[arg-type]


def test_a_protected_endpoint_answers_401_with_a_code(client: Client) -> None:
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401


def test_me_tells_who_the_token_belongs_to(demo: None, token_for, client: Client) -> None:
    raw = token_for("operator")
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json() == {
        "username": "operator",
        "full_name": "Серикова Дана",
        "roles": ["operator"],
        "office": "sc1",
        "department": "sales",
        "window": 1,
    }
