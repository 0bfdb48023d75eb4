"""The contact centre's personas: the PBX (the ``oktell`` integration user and its fake)
and staff with bearer tokens."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from abonent.calls import access
from abonent.calls.demo import load_calls_demo
from abonent.calls.tests.fake_oktell import FakeOktell

ASTANA = ZoneInfo("Asia/Almaty")
# A Tuesday: the contact centre takes calls 09:00-18:00 (CC-2).
TUESDAY_10 = datetime(2026, 3, 17, 10, 0)  # naive, as Oktell's scenarios give times
TUESDAY_10_AWARE = TUESDAY_10.replace(tzinfo=ASTANA)


@pytest.fixture(autouse=True)
def _fresh_role_cache() -> Iterator[None]:
    access.forget_roles()
    yield
    access.forget_roles()


@pytest.fixture
def calls_demo(demo: None) -> None:
    load_calls_demo()


@pytest.fixture
def pbx_token(calls_demo: None, token_for: Callable[[str], str]) -> str:
    return token_for("oktell")


@pytest.fixture
def pbx(client: Client, pbx_token: str) -> FakeOktell:
    return FakeOktell(client, pbx_token)


@pytest.fixture
def bearer(token_for: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    def make(username: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token_for(username)}"}

    return make


class Clock:
    """The clock of outcomes and callbacks (``services.now``), settable."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from abonent.calls import services

    c = Clock(TUESDAY_10_AWARE + timedelta(minutes=5))
    monkeypatch.setattr(services, "now", c)
    return c


ANSWERED_ID = "C-1"


@pytest.fixture
def answered(pbx: FakeOktell, clock: Clock) -> str:
    """A call from +77011234567 the demo operator (line 201) answered on Tuesday 10:00:20
    and ended at 10:01:55; the clock stands at 10:05."""
    pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10, chain_id=ANSWERED_ID)
    return ANSWERED_ID


@pytest.fixture
def post_outcome(client: Client, bearer: Callable[[str], dict[str, str]]) -> Callable[..., Any]:
    def post(call_id: str, body: dict[str, Any], username: str = "cc_operator") -> Any:
        return client.post(
            f"/api/v1/calls/{call_id}/outcome",
            json.dumps(body),
            content_type="application/json",
            **bearer(username),
        )

    return post


def audit_actions(*prefixes: str) -> list[str]:
    """The audit log's actions of the contact centre (or of ``prefixes``), oldest first."""
    from django.db.models import Q

    from abonent.core.models import AuditEntry

    cond = Q()
    for prefix in prefixes or ("call.",):
        cond |= Q(action__startswith=prefix)
    return list(AuditEntry.objects.filter(cond).order_by("id").values_list("action", flat=True))


@pytest.fixture
def sysadmin(demo: None) -> Any:
    """A system administrator who is not a superuser (the demo ``admin`` is one)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create(username="admin_sys", is_staff=True)
    user.groups.add(Group.objects.get(name="sysadmin"))
    return user


@pytest.fixture
def second_operator(calls_demo: None) -> Any:
    """Another contact-centre operator, on PBX line 305."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from abonent.calls.models import OperatorLine

    user = get_user_model().objects.create(
        username="cc_operator2", first_name="Дина", last_name="Омарова", is_staff=True
    )
    user.groups.add(Group.objects.get(name="cc_operator"))
    OperatorLine.objects.create(login="305", user=user)
    return user
