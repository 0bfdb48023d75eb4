"""Billing import: when the database refuses a chunk, only the culprit record is rejected;
the chunk's other records are still imported, and nothing of the culprit is half-stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError

from abonent.cabinet import importing
from abonent.cabinet.models import Account, Meter
from abonent.cabinet.sample import write_sample_csv


def test_only_the_refused_record_is_lost(
    tmp_path: Path, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importing._write_chunk

    def picky(records: list[importing.Record], result: importing.ImportResult) -> None:
        real(records, result)  # writes, then the "database" refuses: the savepoint rolls back
        if any(r.account["number"] == "9000000004" for r in records):
            raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importing, "_write_chunk", picky)
    path = tmp_path / "b.csv"
    with path.open("w", encoding="utf-8") as out:
        write_sample_csv(out, accounts=6)
    result = importing.import_billing(path, chunk_size=4)
    assert [(r.line, r.account, r.reason) for r in result.rejections] == [
        (5, "9000000004", "database: duplicate key value violates unique constraint")
    ]
    assert sorted(Account.objects.values_list("number", flat=True)) == [
        f"900000000{n}" for n in (1, 2, 3, 5, 6)
    ]
    assert not Meter.objects.filter(account__number="9000000004").exists()
    assert result.counts["accounts_created"] == 5
