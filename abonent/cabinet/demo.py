"""Demo data of the personal cabinet: three individuals (two in multi-apartment housing, one
in the private sector) and two legal entities, with accounts, meters, twelve months of
readings and bills up to last month, and payments. It goes in through the billing import
(importing.import_items), so re-running it changes nothing. Dates follow today's date: the
current month is always open for readings and last month is the current billing month.

Demo accounts (see README): 1000000001, 1000000002 (МЖФ), 1000000003 (private sector, in
debt, a 4-digit register about to roll over), 2000000001 and 2000000002 (ТОО «Береке
Сауда»), 2000000003 (ГККП «Балабақша № 7»). Meter HW-1002-B of 1000000002 has an expired
verification, to show that refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from abonent.cabinet.auth import DEMO_SECRET
from abonent.cabinet.importing import ImportResult, import_items
from abonent.cabinet.models import Account, CabinetLogin
from abonent.cabinet.rules import add_months

CENT = Decimal("0.01")
# Kazakhstan's VAT: 12 % until 2025, 16 % from 1 January 2026 (the new Tax Code).
VAT_FROM_2026 = Decimal(16)
VAT_BEFORE_2026 = Decimal(12)

# Demo tariffs, KZT without VAT.
HOT_WATER = Decimal("210.45")  # per m³
HEATING_AREA = Decimal("128.60")  # per m² of heated area, a month of the heating season
HEAT = Decimal("6120.00")  # per Gcal
ELECTRICITY = Decimal("27.80")  # per kWh
HEATING_MONTHS = {1, 2, 3, 4, 10, 11, 12}


@dataclass(frozen=True)
class MeterSeed:
    serial: str
    kind: str
    digits: int
    decimals: int
    start: Decimal  # the reading twelve months ago
    monthly: tuple[Decimal, ...]  # consumption by calendar month, January first
    verification_due: str = "2031-06-30"


@dataclass(frozen=True)
class AccountSeed:
    number: str
    address: str
    meters: tuple[MeterSeed, ...]
    area: Decimal = Decimal(0)  # heated area billed by the square metre (МЖФ)
    pays: bool = True  # pays every bill; False: the last two are unpaid
    contract: str = ""


def _seasonal(summer: str, winter: str) -> tuple[Decimal, ...]:
    s, w = Decimal(summer), Decimal(winter)
    return tuple(w if m in HEATING_MONTHS else s for m in range(1, 13))


CONSUMERS: list[tuple[dict[str, str], tuple[AccountSeed, ...]]] = [
    (
        {
            "code": "D-0001", "kind": "individual", "segment": "mzhf",
            "name": "Жақсыбекова Әйгерім Маратқызы", "tax_id": "850312400123",
            "phone": "+77011234501", "email": "aigerim.demo@example.kz", "city": "Астана",
            "street": "пр. Мәңгілік Ел", "building": "10", "apartment": "45",
            "postcode": "010000",
        },
        (
            AccountSeed(
                "1000000001", "г. Астана, пр. Мәңгілік Ел, 10, кв. 45",
                (MeterSeed("HW-1001", "hot_water", 5, 3, Decimal("312.417"),
                           _seasonal("3.2", "4.1")),),
                area=Decimal("54.2"),
            ),
        ),
    ),
    (
        {
            "code": "D-0002", "kind": "individual", "segment": "mzhf",
            "name": "Ким Виктор Андреевич", "tax_id": "790805300456",
            "phone": "+77021234502", "email": "viktor.kim.demo@example.kz", "city": "Астана",
            "street": "ул. Кенесары", "building": "40", "apartment": "12",
            "postcode": "010000",
        },
        (
            AccountSeed(
                "1000000002", "г. Астана, ул. Кенесары, 40, кв. 12",
                (
                    MeterSeed("HW-1002-A", "hot_water", 5, 0, Decimal(1204),
                              _seasonal("2", "3")),
                    MeterSeed("HW-1002-B", "hot_water", 5, 0, Decimal(877),
                              _seasonal("1", "2"), verification_due="2025-09-30"),
                ),
                area=Decimal("71.5"),
            ),
        ),
    ),
    (
        {
            "code": "D-0003", "kind": "individual", "segment": "private",
            "name": "Сәрсенбаев Нұрлан Қайратұлы", "tax_id": "680120300789",
            "phone": "+77471234503", "email": "", "city": "Астана",
            "street": "ул. Ақбұлақ", "building": "7", "apartment": "", "postcode": "010000",
        },
        (
            AccountSeed(
                "1000000003", "г. Астана, ул. Ақбұлақ, 7 (частный дом)",
                (
                    MeterSeed("HW-1003", "hot_water", 4, 0, Decimal(9926),
                              _seasonal("5", "6")),
                    MeterSeed("EL-1003", "electricity", 6, 1, Decimal("48210.5"),
                              _seasonal("180.5", "260.0")),
                ),
                pays=False,
            ),
        ),
    ),
    (
        {
            "code": "D-1001", "kind": "legal_entity", "segment": "",
            "name": "ТОО «Береке Сауда»", "tax_id": "150940012345",
            "phone": "+77172123401", "email": "buh@bereke-sauda.demo.kz", "city": "Астана",
            "street": "ул. Сығанақ", "building": "29", "apartment": "офис 304",
            "postcode": "010000", "iban": "KZ86125KZT5004100100", "bank_name": "АО «Halyk Bank»",
            "bic": "HSBKKZKX",
        },
        (
            AccountSeed(
                "2000000001", "г. Астана, ул. Сығанақ, 29 (магазин)",
                (
                    MeterSeed("HM-2001", "heat", 6, 3, Decimal("1520.250"),
                              _seasonal("0.850", "14.300")),
                    MeterSeed("HW-2001", "hot_water", 6, 2, Decimal("4210.50"),
                              _seasonal("18.40", "21.10")),
                ),
                contract="ТЭ-2019/0457",
            ),
            AccountSeed(
                "2000000002", "г. Астана, ш. Алаш, 54 (склад)",
                (MeterSeed("HM-2002", "heat", 6, 3, Decimal("860.500"),
                           _seasonal("0.400", "9.750")),),
                contract="ТЭ-2021/1133",
            ),
        ),
    ),
    (
        {
            "code": "D-1002", "kind": "legal_entity", "segment": "",
            "name": "ГККП «Балабақша № 7»", "tax_id": "010240004321",
            "phone": "+77172123402", "email": "bala7@demo.kz", "city": "Астана",
            "street": "ул. Жұбанова", "building": "3", "apartment": "", "postcode": "010000",
            "iban": "KZ75070KZT1004100200", "bank_name": "РГУ «Комитет казначейства МФ РК»",
            "bic": "KKMFKZ2A",
        },
        (
            AccountSeed(
                "2000000003", "г. Астана, ул. Жұбанова, 3",
                (
                    MeterSeed("HM-2003", "heat", 6, 3, Decimal("3340.100"),
                              _seasonal("1.100", "22.600")),
                    MeterSeed("HW-2003", "hot_water", 6, 2, Decimal("9015.00"),
                              _seasonal("42.00", "47.50")),
                ),
                contract="ТЭ-2015/0031",
            ),
        ),
    ),
]  # fmt: skip

TARIFF = {"hot_water": HOT_WATER, "heat": HEAT, "electricity": ELECTRICITY}
LINE_NAMES = {
    "hot_water": ("Горячее водоснабжение", "м3"),
    "heat": ("Тепловая энергия", "Гкал"),
    "electricity": ("Электрическая энергия", "кВт·ч"),
}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _line(name: str, unit: str, quantity: Decimal, price: Decimal, rate: Decimal) -> dict[str, str]:
    net = _money(quantity * price)
    vat = _money(net * rate / 100)
    return {
        "name": name, "unit": unit, "quantity": str(quantity.quantize(Decimal("0.001"))),
        "price": str(price.quantize(Decimal("0.0001"))), "net": str(net), "vat": str(vat),
        "total": str(net + vat),
    }  # fmt: skip


def _account_record(
    seed: AccountSeed, consumer: dict[str, str], periods: list[date], number_base: int
) -> dict[str, Any]:
    readings: list[dict[str, str]] = []
    used_by_period: dict[date, list[tuple[MeterSeed, Decimal]]] = {p: [] for p in periods}
    for meter in seed.meters:
        value = meter.start
        register = Decimal(10) ** meter.digits
        for period in periods:
            used = meter.monthly[period.month - 1]
            value = (value + used) % register
            readings.append(
                {"meter": meter.serial, "period": f"{period:%Y-%m}", "value": str(value)}
            )
            used_by_period[period].append((meter, used))
    bills, payments = [], []
    balance = Decimal(0)
    for i, period in enumerate(periods):
        rate = VAT_FROM_2026 if period.year >= 2026 else VAT_BEFORE_2026
        lines = [
            _line(*LINE_NAMES[m.kind], used, TARIFF[m.kind], rate)
            for m, used in used_by_period[period]
        ]
        if seed.area and period.month in HEATING_MONTHS:
            lines.append(_line("Отопление", "м2", seed.area, HEATING_AREA, rate))
        net = sum((Decimal(x["net"]) for x in lines), Decimal(0))
        vat = sum((Decimal(x["vat"]) for x in lines), Decimal(0))
        issued = add_months(period, 1)
        bills.append({
            "period": f"{period:%Y-%m}", "number": f"{number_base + i:06d}/{period:%m%y}",
            "issued_on": issued.isoformat(), "due_on": issued.replace(day=25).isoformat(),
            "net": str(net), "vat_rate": str(rate), "vat": str(vat), "total": str(net + vat),
            "lines": lines,
        })  # fmt: skip
        balance += net + vat
        if seed.pays or i < len(periods) - 2:
            paid = issued.replace(day=15)
            payments.append({
                "reference": f"PAY-{seed.number}-{period:%Y%m}", "paid_on": paid.isoformat(),
                "amount": str(net + vat), "bank": ("Kaspi Bank", "Halyk Bank")[i % 2],
            })  # fmt: skip
            balance -= net + vat
    return {
        "account": seed.number, "address": seed.address, "contract_number": seed.contract,
        "contract_date": "2019-01-15" if seed.contract else None,
        "balance": str(balance), "balance_on": add_months(periods[-1], 1).isoformat(),
        "consumer": consumer,
        "meters": [
            {"serial": m.serial, "kind": m.kind, "digits": m.digits, "decimals": m.decimals,
             "verification_due": m.verification_due}
            for m in seed.meters
        ],
        "readings": readings, "bills": bills, "payments": payments,
    }  # fmt: skip


def demo_records(today: date) -> list[dict[str, Any]]:
    """The demo as billing records: twelve months up to last month."""
    this_month = today.replace(day=1)
    periods = [add_months(this_month, -k) for k in range(12, 0, -1)]
    records = []
    for n, (consumer, accounts) in enumerate(CONSUMERS):
        for k, seed in enumerate(accounts):
            records.append(_account_record(seed, consumer, periods, 1000 * (n + 1) + 100 * k))
    return records


# Who signs in to the cabinet with the secret "demo" (auth.DEMO_SECRET): individuals by
# their account number, legal entities' representatives by their login.
REPRESENTATIVES = [
    ("2000000001", "bereke@demo.kz", "Оспанов Ерлан, главный бухгалтер"),
    ("2000000003", "bala7@demo.kz", "Мұхамеджанова Сәуле, заведующая"),
]
INDIVIDUAL_ACCOUNTS = ["1000000001", "1000000002", "1000000003"]


@transaction.atomic
def _demo_logins() -> int:
    made = 0
    demo_hash = make_password(DEMO_SECRET)  # slow on purpose: once
    accounts = {a.number: a for a in Account.objects.filter(number__in=[
        *INDIVIDUAL_ACCOUNTS, *(r[0] for r in REPRESENTATIVES)])}  # fmt: skip
    wanted = [(n, accounts[n], "") for n in INDIVIDUAL_ACCOUNTS] + [
        (login, accounts[number], name) for number, login, name in REPRESENTATIVES
    ]
    for login, account, name in wanted:
        _obj, created = CabinetLogin.objects.get_or_create(
            login=login,
            defaults={
                "consumer_id": account.consumer_id,
                "account": None if name else account,
                "name": name,
                "secret_hash": demo_hash,
            },
        )
        made += created
    return made


def load_cabinet_demo(*, today: date | None = None) -> ImportResult:
    """Load (or refresh) the demo consumers and their cabinet logins; safe to run again
    (an existing login keeps its secret)."""
    day = today or timezone.localdate()
    result = import_items(demo_records(day), name="demo data")
    _demo_logins()
    return result


def load_demo() -> None:
    """The name seed_demo calls for each app."""
    load_cabinet_demo()
