"""The contact centre's personas: the PBX (the ``oktell`` integration user and its fake)
and staff with bearer tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
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
