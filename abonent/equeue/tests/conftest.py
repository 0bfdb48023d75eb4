"""Personas and a settable clock for the queue's tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from abonent.core.models import Office, StaffProfile, Window
from abonent.core.roles import Role
from abonent.equeue import services

ASTANA = ZoneInfo("Asia/Almaty")
# A Tuesday: service centres are open 09:00-18:00.
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=ASTANA)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def tick(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(TUESDAY_10)
    monkeypatch.setattr(services, "now", c)
    return c


@pytest.fixture
def sc1(demo: None) -> Office:
    return Office.objects.get(code="sc1")


def window(office: str, number: int) -> Window:
    return Window.objects.get(office__code=office, number=number)


@pytest.fixture
def make_operator(demo: None) -> Callable[[str, str, int], Any]:
    def make(username: str, office: str, number: int) -> Any:
        user = get_user_model().objects.create(username=username)
        user.groups.add(Group.objects.get_or_create(name=Role.OPERATOR)[0])
        StaffProfile.objects.create(
            user=user, office=Office.objects.get(code=office), window=window(office, number)
        )
        return user

    return make


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def hall_admin_in(office: str) -> Any:
    """The demo hall administrator (seated in the central office) moved to ``office``: the
    hall's actions are theirs in their own office only (issue #5 review, 2)."""
    StaffProfile.objects.filter(user__username="hall_admin").update(
        office=Office.objects.get(code=office)
    )
    return user("hall_admin")


class Api:
    """A JSON client for /api/v1/queue with a bearer token (or none)."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1/queue{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1/queue{path}", headers=self.headers)


@pytest.fixture
def api_as(
    client: Client, token_for: Callable[[str], str], demo: None
) -> Callable[[str | None], Api]:
    def make(username: str | None) -> Api:
        return Api(client, token_for(username) if username else None)

    return make


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The project's ASGI application under uvicorn in a thread (static files through
    Django's finders, as live_server does)."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from abonent.asgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
        loop="asyncio",
        http="h11",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
