"""Synthetic billing files, for tests and benchmarks (``make bench`` imports 100,000
accounts). Deterministic: the same arguments give the same file."""

from __future__ import annotations

import csv
import json
from typing import IO

COLUMNS = [
    "account", "consumer_code", "consumer_kind", "segment", "consumer_name", "tax_id",
    "phone", "email", "city", "street", "building", "apartment", "address", "balance",
    "balance_on", "meter_serial", "meter_kind", "meter_digits", "meter_decimals",
    "verification_due", "bill_period", "bill_number", "bill_net", "bill_vat_rate", "bill_vat",
    "bill_total", "bill_lines", "payment_reference", "payment_date", "payment_amount",
    "payment_bank",
]  # fmt: skip


def sample_row(n: int, *, period: str = "2026-02") -> dict[str, str]:
    """Account number ``9`` + n padded; every third consumer a legal entity."""
    legal = n % 3 == 0
    net = 1000 + n % 9000
    vat = round(net * 12 / 100, 2) if legal else 0
    total = f"{net + vat:.2f}"
    line = {
        "name": "Горячее водоснабжение" if not legal else "Тепловая энергия",
        "unit": "м3" if not legal else "Гкал",
        "quantity": f"{net / 250:.3f}",
        "price": "250.0000",
        "net": f"{net:.2f}",
        "vat": f"{vat:.2f}",
        "total": total,
    }
    return {
        "account": f"9{n:09d}",
        "consumer_code": f"S{n:09d}",
        "consumer_kind": "legal_entity" if legal else "individual",
        "segment": "" if legal else ("mzhf" if n % 2 else "private"),
        "consumer_name": f"ТОО «Образец-{n}»" if legal else f"Образцов Абонент {n}",
        "tax_id": f"{n:012d}",
        "phone": f"+7701{n % 10_000_000:07d}",
        "email": f"a{n}@example.kz",
        "city": "Астана",
        "street": "ул. Образцовая",
        "building": str(1 + n % 200),
        "apartment": "" if legal else str(1 + n % 120),
        "address": f"Астана, ул. Образцовая, {1 + n % 200}",
        "balance": f"{(n % 5000) - 1000}.50",
        "balance_on": "2026-03-01",
        "meter_serial": f"M{n:09d}",
        "meter_kind": "hot_water",
        "meter_digits": "5",
        "meter_decimals": "3" if n % 4 == 0 else "0",
        "verification_due": "2030-12-31",
        "bill_period": period,
        "bill_number": f"СФ-{n}",
        "bill_net": f"{net:.2f}",
        "bill_vat_rate": "12" if legal else "0",
        "bill_vat": f"{vat:.2f}",
        "bill_total": total,
        "bill_lines": json.dumps([line], ensure_ascii=False),
        "payment_reference": f"P{n:09d}",
        "payment_date": "2026-02-20",
        "payment_amount": f"{500 + n % 1000}.00",
        "payment_bank": "Halyk Bank",
    }


READING_COLUMNS = ["reading_period", "reading_value"]


def sample_reading(n: int) -> int:
    """The reading billing holds for sample meter ``n`` (the bench submits above it)."""
    return 100 + n % 900


def write_sample_csv(
    out: IO[str], *, accounts: int, first: int = 1, reading_period: str | None = None
) -> None:
    """``reading_period`` (YYYY-MM): also a reading of each meter for that month."""
    columns = COLUMNS + (READING_COLUMNS if reading_period else [])
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for n in range(first, first + accounts):
        row = sample_row(n)
        if reading_period:
            row["reading_period"] = reading_period
            row["reading_value"] = str(sample_reading(n))
        writer.writerow(row)
