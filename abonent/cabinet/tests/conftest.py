"""Personas, a settable clock and a small billing picture for the cabinet's tests."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from abonent.cabinet import services
from abonent.cabinet.models import Account, Consumer, Meter, Reading
from abonent.core.roles import Role
from abonent.core.services import issue_api_token

ASTANA = ZoneInfo("Asia/Almaty")
# Inside the default window (1st-25th).
MARCH_10 = datetime(2026, 3, 10, 10, 0, tzinfo=ASTANA)


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
    c = Clock(MARCH_10)
    monkeypatch.setattr(services, "now", c)
    return c


def make_user(username: str, role: str | None) -> Any:
    user = get_user_model().objects.create(username=username)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_account(
    number: str = "100200300",
    *,
    serial: str = "HW-1",
    digits: int = 5,
    decimals: int = 0,
    verification_due: date | None = date(2030, 1, 1),
    kind: str = "individual",
) -> Meter:
    consumer = Consumer.objects.create(
        code=f"C{number}",
        kind=kind,
        segment="mzhf" if kind == "individual" else "",
        name="Тестов Тест",
    )
    account = Account.objects.create(number=number, consumer=consumer, address="Астана")
    return Meter.objects.create(
        account=account,
        kind="hot_water",
        serial=serial,
        digits=digits,
        decimals=decimals,
        verification_due=verification_due,
    )


def add_history(meter: Meter, values: list[int], *, last_period: date = date(2026, 2, 1)) -> None:
    """Monthly readings ending with ``last_period``, from billing."""
    periods = []
    y, m = last_period.year, last_period.month
    for _ in values:
        periods.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    periods.reverse()
    previous: int | None = None
    for period, value in zip(periods, values, strict=True):
        Reading.objects.create(
            meter=meter,
            period=period,
            value=Decimal(value),
            consumption=None if previous is None else Decimal(value - previous),
            source="billing",
            status="accepted",
        )
        previous = value


class Api:
    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def cc(db: None, client: Client) -> Api:
    """A contact-centre operator's API client."""
    return Api(client, issue_api_token(user=make_user("cc1", Role.CC_OPERATOR)))


@pytest.fixture
def ivr(db: None, client: Client) -> Api:
    """The IVR's integration client."""
    return Api(client, issue_api_token(user=make_user("ivr", Role.INTEGRATION)))


@pytest.fixture
def meter(db: None) -> Meter:
    return make_account()


@pytest.fixture
def cabinet_demo(db: None) -> None:
    from abonent.cabinet.demo import load_cabinet_demo

    load_cabinet_demo(today=MARCH_10.date())


@pytest.fixture
def auth_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from abonent.cabinet import auth

    c = Clock(MARCH_10)
    monkeypatch.setattr(auth, "now", c)
    return c


def sign_in(client: Client, login: str, secret: str = "demo") -> Any:
    return client.post("/cabinet/sign-in/", {"login": login, "secret": secret})


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the queued background tasks (the sign-in code's ``issue_code``...) as the worker
    would, with their after-commit work (the e-mail) done."""

    from django_tasks_db.models import DBTaskResult

    def run() -> None:
        # As db_worker does (it closes the connection, which a test's transaction cannot
        # survive): each ready task called with its stored arguments, then marked done.
        with django_capture_on_commit_callbacks(execute=True):
            for row in DBTaskResult.objects.ready().order_by("enqueued_at", "id"):
                args = row.args_kwargs
                row.set_successful(row.task.call(*args["args"], **args["kwargs"]))

    return run
