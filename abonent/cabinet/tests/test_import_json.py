"""Billing import from JSON (an array or {"accounts": [...]}) and JSON Lines, with several
meters, readings, bills and payments per account."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from abonent.cabinet.importing import import_billing
from abonent.cabinet.models import Account, Bill, Meter, Payment, Reading


def record(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "account": number,
        "address": "Астана, пр. Республики, 1",
        "balance": "150.25",
        "consumer": {
            "code": f"C{number}",
            "kind": "individual",
            "segment": "private",
            "name": "Әбілқасымова Гүлнұр",
        },
        "meters": [
            {
                "serial": "HW-1",
                "kind": "hot_water",
                "digits": 5,
                "decimals": 3,
                "verification_due": "2031-01-01",
            },
            {
                "serial": "EL-1",
                "kind": "electricity",
                "digits": 6,
                "window_first_day": 15,
                "window_last_day": 25,
            },
        ],
        "readings": [
            {"meter": "HW-1", "period": "2026-01", "value": "10.125"},
            {"meter": "HW-1", "period": "2026-02", "value": 14.5},
        ],
        "bills": [
            {"period": "2026-01", "net": "100.00", "vat": "0", "total": "100.00"},
            {"period": "2026-02", "net": "110.00", "total": "110.00", "number": "B-2"},
        ],
        "payments": [
            {
                "reference": f"P-{number}",
                "paid_on": "2026-02-10",
                "amount": "100.00",
                "bank": "Kaspi",
            }
        ],
        **extra,
    }


def test_a_json_array_is_imported_with_everything_nested(tmp_path: Path, db: None) -> None:
    path = tmp_path / "billing.json"
    path.write_text(
        json.dumps([record("111"), record("222")], ensure_ascii=False), encoding="utf-8"
    )
    result = import_billing(path)
    assert (result.accepted, result.rejections) == (2, [])
    account = Account.objects.get(number="111")
    assert account.consumer.name == "Әбілқасымова Гүлнұр"
    meters = {m.serial: m for m in Meter.objects.filter(account=account)}
    assert (
        meters["EL-1"].window_first_day,
        meters["EL-1"].window_last_day,
        meters["HW-1"].decimals,
    ) == (15, 25, 3)
    readings = list(
        Reading.objects.filter(meter=meters["HW-1"])
        .order_by("period")
        .values_list("period", "value", "source")
    )
    assert readings == [
        (date(2026, 1, 1), Decimal("10.125"), "billing"),
        (date(2026, 2, 1), Decimal("14.500"), "billing"),
    ]
    assert list(
        Bill.objects.filter(account=account)
        .order_by("period")
        .values_list("amount_total", flat=True)
    ) == [
        Decimal("100.00"),
        Decimal("110.00"),
    ]
    assert Payment.objects.get(reference="P-111").bank == "Kaspi"


def test_readings_from_billing_do_not_overwrite_ours(tmp_path: Path, db: None) -> None:
    path = tmp_path / "billing.json"
    path.write_text(json.dumps({"accounts": [record("111")]}), encoding="utf-8")
    import_billing(path)
    Reading.objects.filter(period=date(2026, 2, 1)).update(value=Decimal("15"), source="cabinet")
    import_billing(path)
    assert Reading.objects.get(period=date(2026, 2, 1)).value == Decimal("15.000")
    assert Reading.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"readings": [{"meter": "NOPE", "period": "2026-01", "value": "1"}]},
            "reading: meter 'NOPE' is not among the record's meters",
        ),
        (
            {"readings": [{"meter": "HW-1", "period": "2026-01", "value": "1.0001"}]},
            "reading_value: at most 3 digits after the point",
        ),
        (
            {"readings": [{"meter": "HW-1", "period": "2026-01", "value": "100000"}]},
            "reading_value: outside the meter's register",
        ),
        ({"meters": "HW-1"}, "meters: must be a list of objects"),
        ({"consumer": None}, "consumer: missing"),
        (
            {
                "bills": [
                    {
                        "period": "2026-01",
                        "net": "1",
                        "total": "1",
                        "lines": [
                            {"name": "x", "quantity": "1", "price": "1", "net": "1", "total": "2"}
                        ],
                    }
                ]
            },
            "bill_lines: the lines do not add up to bill_total",
        ),
    ],
)
def test_a_bad_nested_part_rejects_the_whole_record(
    tmp_path: Path, db: None, change: dict[str, Any], reason: str
) -> None:
    path = tmp_path / "billing.jsonl"
    lines = [json.dumps(record("111")), "", "{not json", json.dumps(record("222", **change)), "[1]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_billing(path)
    assert [(r.line, r.account, r.reason) for r in result.rejections] == [
        (3, "", "line: not JSON (Expecting property name enclosed in double quotes)"),
        (4, "222", reason),
        (5, "", "line: not a JSON object"),
    ]
    assert list(Account.objects.values_list("number", flat=True)) == ["111"]
    assert not Meter.objects.filter(account__number="222").exists()


def test_a_file_that_is_not_json_at_all_imports_nothing(tmp_path: Path, db: None) -> None:
    path = tmp_path / "billing.json"
    path.write_text('[{"account": "1"', encoding="utf-8")
    with pytest.raises(ValueError):
        import_billing(path)
    assert Account.objects.count() == 0
