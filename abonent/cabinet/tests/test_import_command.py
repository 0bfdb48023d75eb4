"""`manage.py import_billing`: progress, the printed report and the CSV report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from abonent.cabinet.models import Account
from abonent.cabinet.sample import write_sample_csv


def test_it_prints_progress_and_writes_the_rejection_report(tmp_path: Path, db: None) -> None:
    path = tmp_path / "b.csv"
    with path.open("w", encoding="utf-8") as out:
        write_sample_csv(out, accounts=25)
        out.write("bad account!,S1,individual,mzhf,Имя\n")
    report = tmp_path / "rejected.csv"
    stdout = io.StringIO()
    call_command(
        "import_billing",
        str(path),
        "--report",
        str(report),
        "--progress-every",
        "10",
        stdout=stdout,
    )
    text = stdout.getvalue()
    assert "10 rows read" in text and "20 rows read" in text
    assert "Done in" in text and "26 rows, 25 imported, 1 rejected" in text
    assert "  line 27 account bad account!: account: only letters, digits and '-'" in text
    with report.open(encoding="utf-8") as f:
        assert list(csv.reader(f)) == [
            ["line", "account", "reason"],
            ["27", "bad account!", "account: only letters, digits and '-'"],
        ]
    assert Account.objects.count() == 25


def test_a_missing_file_or_header_is_a_command_error(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError):
        call_command("import_billing", str(tmp_path / "none.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no 'account' column"):
        call_command("import_billing", str(empty))
