"""Billing import (review 2 item 5): a NUL in a field (PostgreSQL text cannot hold it) is a
rejected row like any other broken one; the rows around it, in its chunk and in the chunks
before and after, are imported, and the run is finished with its report."""

from __future__ import annotations

from pathlib import Path

import pytest

from abonent.cabinet.importing import import_billing
from abonent.cabinet.models import Account, ImportRun

HEADER = "account,consumer_code,consumer_kind,segment,consumer_name\n"


@pytest.mark.django_db(transaction=True)
def test_only_the_row_with_a_nul_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        HEADER
        + "A1,C1,legal_entity,,Good one\n"
        + "A2,C2,legal_entity,,Bad\x00name\n"
        + "A3,C3,legal_entity,,Good three\n",
        encoding="utf-8",
    )
    result = import_billing(path)
    assert sorted(Account.objects.values_list("number", flat=True)) == ["A1", "A3"]
    assert [(r.line, r.account, r.reason) for r in result.rejections] == [
        (3, "A2", "consumer_name: contains a NUL character")
    ]


@pytest.mark.django_db(transaction=True)
def test_a_nul_after_several_chunks_stops_nothing(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    rows = "".join(f"A{i},C{i},legal_entity,,Name{i}\n" for i in range(5))
    path.write_text(HEADER + rows + "B1,CB,legal_entity,,Bad\x00\n", encoding="utf-8")
    result = import_billing(path, chunk_size=2)
    assert sorted(Account.objects.values_list("number", flat=True)) == [f"A{i}" for i in range(5)]
    assert [r.account for r in result.rejections] == ["B1"]
    run = ImportRun.objects.get()
    assert run.finished_at is not None
    assert (run.rows, run.accepted, run.rejected) == (6, 5, 1)
    assert "failure" not in run.counts
