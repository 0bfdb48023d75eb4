"""Billing import: each broken row is rejected with its line and reason; the valid rows are
all imported, and nothing of a rejected row is stored."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from abonent.cabinet.importing import import_billing
from abonent.cabinet.models import Account, Bill, Consumer, ImportRun, Meter, Payment
from abonent.cabinet.sample import COLUMNS, sample_row
from abonent.core.models import AuditEntry

BROKEN = {
    # line in the file (header is line 1) -> (what to break, the reason expected)
    5: ({"balance": "12,5x"}, "balance: not a number: '12,5x'"),
    8: ({"account": ""}, "account: missing"),
    9: ({"consumer_kind": "alien"}, "consumer_kind: must be one of individual, legal_entity"),
    13: ({"segment": "mzhf"}, "segment: must be empty for a legal entity"),
    14: ({"bill_total": "1.00"}, "bill_total: 1.00 is not net 1013.00 + VAT 0.00"),
    17: ({"meter_digits": "13"}, "meter_digits: must be 1-12"),
    20: ({"bill_lines": "[{"}, "bill_lines: must be a JSON list of objects"),
    22: ({"tax_id": "12345"}, "tax_id: an IIN/BIN has 12 digits"),
    25: ({"payment_amount": "-5"}, "payment_amount: must be above zero"),
    27: ({"bill_period": "2026-13"}, "bill_period: not a month YYYY-MM: '2026-13'"),
    30: (
        {"verification_due": "31.12.2030"},
        "verification_due: not a date YYYY-MM-DD: '31.12.2030'",
    ),
    31: ({"balance": "1.505"}, "balance: at most 2 digits after the point"),
}


def write_file(path: Path, accounts: int = 40) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for n in range(1, accounts + 1):
            row = sample_row(n)
            line = n + 1
            if line in BROKEN:
                row.update(BROKEN[line][0])
            writer.writerow(row)
        out.write("9000000099,X,individual,mzhf,too,many,cells" + ",x" * 40 + "\n")


def test_broken_rows_are_reported_and_the_rest_imported(tmp_path: Path, db: None) -> None:
    path = tmp_path / "billing.csv"
    write_file(path)
    result = import_billing(path, chunk_size=7)
    got = {r.line: r.reason for r in result.rejections}
    expected = {line: reason for line, (_b, reason) in BROKEN.items()}
    expected[42] = "row: 47 cells for 31 columns"
    assert got == expected
    assert (result.rows, result.accepted) == (41, 41 - len(expected))
    broken_numbers = {f"9{line - 1:09d}" for line in BROKEN}
    assert not Account.objects.filter(number__in=broken_numbers).exists()
    assert not Meter.objects.filter(account__number__in=broken_numbers).exists()
    assert Account.objects.count() == 40 - len(BROKEN)
    assert Consumer.objects.count() == 40 - len(BROKEN)
    assert Meter.objects.count() == Bill.objects.count() == Payment.objects.count() == 28
    run = ImportRun.objects.get()
    assert (run.rows, run.accepted, run.rejected) == (41, 28, 13)
    assert AuditEntry.objects.for_object(run).get().action == "billing.imported"


def test_imported_values_are_exact(tmp_path: Path, db: None) -> None:
    path = tmp_path / "billing.csv"
    write_file(path, accounts=3)
    import_billing(path)
    legal = Account.objects.select_related("consumer").get(number="9000000003")
    assert (legal.consumer.kind, legal.consumer.segment, legal.consumer.name) == (
        "legal_entity",
        "",
        "ТОО «Образец-3»",
    )
    assert (legal.balance, legal.balance_on) == (Decimal("-997.50"), date(2026, 3, 1))
    bill = Bill.objects.get(account=legal)
    assert (bill.period, bill.amount_net, bill.vat_amount, bill.amount_total, bill.vat_rate) == (
        date(2026, 2, 1),
        Decimal("1003.00"),
        Decimal("120.36"),
        Decimal("1123.36"),
        Decimal("12.00"),
    )
    assert bill.lines == [
        {
            "name": "Тепловая энергия",
            "unit": "Гкал",
            "quantity": "4.012",
            "price": "250.0000",
            "net": "1003.00",
            "vat": "120.36",
            "total": "1123.36",
        }
    ]
    meter = Meter.objects.get(account__number="9000000001")
    assert (meter.serial, meter.kind, meter.digits, meter.decimals, meter.verification_due) == (
        "M000000001",
        "hot_water",
        5,
        0,
        date(2030, 12, 31),
    )
    individual = Consumer.objects.get(code="S000000002")
    assert (individual.segment, individual.address) == ("private", "Астана, ул. Образцовая, 3, 3")


def test_semicolons_and_a_bom_are_understood(tmp_path: Path, db: None) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(sample_row(1))
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode())
    result = import_billing(path)
    assert (result.accepted, result.rejections) == (1, [])
