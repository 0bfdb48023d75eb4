"""Billing import (review 2 item 5): whatever stops a run half-way, the run is finished
with the reason and what was done so far (the staff page shows no run "in progress"
forever); on PostgreSQL a row the COPY refuses is Django's DatabaseError, so the
one-by-one fallback catches it and rejects only that row."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from abonent.cabinet import importing
from abonent.cabinet.models import Account, Consumer, ImportRun
from abonent.cabinet.upsert import upsert

HEADER = "account,consumer_code,consumer_kind,segment,consumer_name\n"


@pytest.mark.django_db(transaction=True)
def test_a_run_stopped_by_an_error_is_finished_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importing._write_chunk

    def failing(records: list[importing.Record], result: importing.ImportResult) -> None:
        if any(r.account["number"] == "A2" for r in records):
            raise RuntimeError("the disk is full")
        real(records, result)

    monkeypatch.setattr(importing, "_write_chunk", failing)
    path = tmp_path / "b.csv"
    rows = "".join(f"A{i},C{i},legal_entity,,Name{i}\n" for i in range(4))
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(RuntimeError):
        importing.import_billing(path, chunk_size=2)
    run = ImportRun.objects.get()
    assert run.finished_at is not None
    assert (run.rows, run.accepted) == (4, 2)
    assert run.counts["failure"] == "RuntimeError: the disk is full"
    assert sorted(Account.objects.values_list("number", flat=True)) == ["A0", "A1"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_row_refused_by_copy_is_a_django_database_error() -> None:
    row = {"code": "C\x00", "kind": "legal_entity", "name": "x", "segment": ""}
    with pytest.raises(DatabaseError):
        upsert(Consumer, [row], unique=["code"], update=["name"])
    assert Consumer.objects.count() == 0
