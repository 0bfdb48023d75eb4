"""Point 0 of issue #6: the PBX signs in as an integration user that may post events and
nothing else; staff may not post events."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from abonent.calls import access
from abonent.calls.demo import load_calls_demo
from abonent.calls.models import Call, CallEvent, OperatorLine
from abonent.core.auth import user_roles
from abonent.core.models import ApiToken

EVENT = {"event": "call.started", "call_id": "C-1", "at": "2026-03-17T10:00:00+05:00"}


def test_demo_has_an_oktell_user_with_only_the_integration_role(calls_demo: None) -> None:
    user = get_user_model().objects.get(username="oktell")
    assert user_roles(user) == {"integration"}
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert set(OperatorLine.objects.values_list("login", "user__username")) == {
        ("cc_operator", "cc_operator"),
        ("201", "cc_operator"),
    }


def test_loading_the_demo_twice_creates_nothing_more(calls_demo: None) -> None:
    assert load_calls_demo() == {"users": 0, "lines": 0}


def test_the_pbx_token_may_post_an_event(client: Client, pbx_token: str) -> None:
    r = client.post("/api/v1/telephony/events", EVENT, HTTP_AUTHORIZATION=f"Bearer {pbx_token}")
    assert r.status_code == 201, r.content
    assert Call.objects.get().call_id == "C-1"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/calls",
        "/api/v1/calls/C-1",
        "/api/v1/calls?phone=87011234567",
        # Other apps' staff endpoints (their own role checks refuse an integration).
        "/api/v1/appeals-control",
        "/api/v1/journal.xlsx?year=2026",
        "/api/v1/boxes/items",
        "/api/v1/reception/slots",
        "/api/v1/queue/stats",
    ],
)
def test_the_pbx_token_is_refused_by_staff_endpoints(
    client: Client, pbx_token: str, path: str
) -> None:
    r = client.get(path, HTTP_AUTHORIZATION=f"Bearer {pbx_token}")
    assert r.status_code == 403, (path, r.status_code, r.content[:200])
    assert r.json()["code"] == "forbidden"


@pytest.mark.parametrize("username", ["cc_operator", "senior_operator", "manager", "admin"])
def test_staff_cannot_post_events(
    client: Client, calls_demo: None, bearer: Callable[[str], dict[str, str]], username: str
) -> None:
    r = client.post("/api/v1/telephony/events", EVENT, **bearer(username))
    assert r.status_code == 403
    assert r.json()["code"] == "integration_only"
    assert not Call.objects.exists() and not CallEvent.objects.exists()


def test_a_session_cannot_post_events(client: Client, calls_demo: None) -> None:
    client.force_login(get_user_model().objects.get(username="oktell"))
    r = client.post("/api/v1/telephony/events", EVENT, content_type="application/json")
    assert r.status_code == 401
    assert not CallEvent.objects.exists()


@pytest.mark.parametrize("header", ["", "Bearer nope", "Bearer abn_wrong", "Basic b2t0ZWxs"])
def test_a_wrong_token_is_401(client: Client, pbx_token: str, header: str) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    r = client.post("/api/v1/telephony/events", EVENT, **extra)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    assert not CallEvent.objects.exists()


def test_the_staff_page_refuses_the_integration_user(client: Client, calls_demo: None) -> None:
    client.force_login(get_user_model().objects.get(username="oktell"))
    r = client.get("/staff/calls/")
    assert r.status_code == 403


def test_a_revoked_token_stops_the_pbx_at_once(client: Client, pbx_token: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {pbx_token}"}
    assert client.post("/api/v1/telephony/events", EVENT, **auth).status_code == 201
    ApiToken.objects.update(revoked_at=timezone.now())
    again = {**EVENT, "call_id": "C-2"}
    assert client.post("/api/v1/telephony/events", again, **auth).status_code == 401
    assert list(Call.objects.values_list("call_id", flat=True)) == ["C-1"]


def test_a_user_without_the_role_any_more_is_refused_once_the_cache_lapses(
    client: Client, pbx_token: str
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {pbx_token}"}
    assert client.post("/api/v1/telephony/events", EVENT, **auth).status_code == 201
    get_user_model().objects.get(username="oktell").groups.clear()
    access.forget_roles()  # what ROLE_CACHE_SECONDS of waiting does
    r = client.post("/api/v1/telephony/events", {**EVENT, "call_id": "C-2"}, **auth)
    assert r.status_code == 403
    assert r.json()["code"] == "integration_only"
    assert list(Call.objects.values_list("call_id", flat=True)) == ["C-1"]
