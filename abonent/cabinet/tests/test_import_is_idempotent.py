"""Billing import: importing the same file again changes nothing; a changed file updates in
place (upsert by account number, meter serial, bill period, payment reference)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from abonent.cabinet.importing import import_billing
from abonent.cabinet.models import Account, Bill, Consumer, Meter, Payment
from abonent.cabinet.sample import COLUMNS, sample_row, write_sample_csv


def state() -> list[object]:
    return [
        sorted(Consumer.objects.values_list("code", "kind", "segment", "name", "tax_id")),
        sorted(
            Account.objects.values_list("id", "number", "consumer__code", "balance", "balance_on")
        ),
        sorted(Meter.objects.values_list("id", "account__number", "serial", "digits", "decimals")),
        sorted(
            Bill.objects.values_list("id", "account__number", "period", "amount_total", "number")
        ),
        sorted(Payment.objects.values_list("id", "reference", "amount", "paid_on")),
    ]


def test_the_same_file_twice_changes_nothing(tmp_path: Path, db: None) -> None:
    path = tmp_path / "b.csv"
    with path.open("w", encoding="utf-8") as out:
        write_sample_csv(out, accounts=25)
    first = import_billing(path, chunk_size=10)
    before = state()
    second = import_billing(path, chunk_size=10)
    assert state() == before
    assert first.counts["accounts_created"] == 25
    assert (second.counts.get("accounts_created"), second.counts["accounts_updated"]) == (0, 25)
    assert Account.objects.count() == 25


def test_a_changed_row_updates_in_place(tmp_path: Path, db: None) -> None:
    path = tmp_path / "b.csv"
    with path.open("w", encoding="utf-8") as out:
        write_sample_csv(out, accounts=3)
    import_billing(path)
    ids = dict(Account.objects.values_list("number", "id"))
    row = sample_row(2)
    row.update(balance="42.00", consumer_name="Новое Имя", meter_digits="6", bill_number="СФ-new")
    with path.open("w", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    result = import_billing(path)
    assert (result.accepted, result.counts["accounts_updated"]) == (1, 1)
    account = Account.objects.select_related("consumer").get(number="9000000002")
    assert (account.pk, account.balance, account.consumer.name) == (
        ids["9000000002"],
        Decimal("42.00"),
        "Новое Имя",
    )
    assert Meter.objects.get(account=account).digits == 6
    assert Bill.objects.get(account=account).number == "СФ-new"
    assert Account.objects.count() == 3
    assert Account.objects.get(number="9000000001").balance == Decimal("-999.50")
