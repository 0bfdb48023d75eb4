"""The voice menu's personas: the PBX (the ``oktell`` integration user) running the demo
menu, a settable clock shared by the IVR and the cabinet, and accounts with hot-water
meters and a history of readings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from abonent.cabinet.models import Account, Consumer, Meter, Reading
from abonent.calls import access
from abonent.calls.demo import load_calls_demo
from abonent.calls.ivr.demo import load_demo as load_ivr_demo
from abonent.calls.ivr.tests.fake_pbx import FakePbx

ASTANA = ZoneInfo("Asia/Almaty")
# A Tuesday inside the readings window (1st-25th) and the contact centre's hours (CC-2).
TUESDAY_10 = datetime(2026, 3, 17, 10, 0, tzinfo=ASTANA)
SINGLE = "1000000101"  # one hot-water meter, three decimals, last reading 100.000
DOUBLE = "1000000102"  # two hot-water meters without decimals
DEBTOR = "1000000103"  # no hot-water meter; owes 12 345.50 as of 1 March


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture(autouse=True)
def _fresh_role_cache() -> Iterator[None]:
    access.forget_roles()
    yield
    access.forget_roles()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from abonent.cabinet import services as cabinet
    from abonent.calls.ivr import services

    c = Clock(TUESDAY_10)
    monkeypatch.setattr(services, "now", c)
    monkeypatch.setattr(cabinet, "now", c)
    return c


@pytest.fixture
def ivr_demo(demo: None) -> None:
    load_calls_demo()
    load_ivr_demo()


def _meter(account: Account, serial: str, digits: int, decimals: int, values: list[str]) -> Meter:
    meter = Meter.objects.create(
        account=account,
        kind="hot_water",
        serial=serial,
        digits=digits,
        decimals=decimals,
        verification_due=date(2030, 1, 1),
    )
    for month, value in zip([11, 12, 1, 2], values, strict=True):
        period = date(2025 if month > 2 else 2026, month, 1)
        Reading.objects.create(
            meter=meter, period=period, value=Decimal(value), source="cabinet", status="accepted"
        )
    return meter


@pytest.fixture
def accounts(db: None) -> dict[str, Account]:
    consumer = Consumer.objects.create(
        code="IVR-1", kind="individual", segment="mzhf", name="Тестов Тест"
    )
    single = Account.objects.create(number=SINGLE, consumer=consumer)
    _meter(single, "HW-501", 5, 3, ["85.000", "90.000", "95.000", "100.000"])
    double = Account.objects.create(number=DOUBLE, consumer=consumer)
    _meter(double, "HW-77-A", 5, 0, ["495", "500", "505", "510"])
    _meter(double, "HW-77-B", 5, 0, ["197", "200", "203", "206"])
    Meter.objects.create(account=double, kind="heat", serial="HM-1", digits=6)
    debtor = Account.objects.create(
        number=DEBTOR, consumer=consumer, balance=Decimal("12345.50"), balance_on=date(2026, 3, 1)
    )
    return {"single": single, "double": double, "debtor": debtor}


@pytest.fixture
def pbx_token(ivr_demo: None, token_for: Callable[[str], str]) -> str:
    return token_for("oktell")


@pytest.fixture
def pbx(client: Client, pbx_token: str, clock: Clock) -> FakePbx:
    return FakePbx(client, pbx_token)


@pytest.fixture
def new_call(client: Client, pbx_token: str, clock: Clock) -> Callable[..., FakePbx]:
    def make(session: str, **kwargs: object) -> FakePbx:
        return FakePbx(client, pbx_token, session=session, **kwargs)  # type: ignore[arg-type]

    return make
