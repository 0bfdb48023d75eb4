"""The nightly import of Oktell's statistics (CC-4, review 2 item 1): the file does not pass
the site's NUL guard, and PostgreSQL text refuses NUL, so a row holding one is a broken
row reported by line (its chain skipped), never a failed import."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from abonent.calls.models import Call

HEAD = "IdChain;TimeStart;TimeStop;ConnectionType;AOutNumber;BOutNumber;BLineNum;IsRecorded\n"


@pytest.mark.django_db
def test_a_row_with_a_nul_is_a_broken_row(pbx_token: str, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_text(
        HEAD
        + "A1;2026-03-17 10:00:00.000;2026-03-17 10:00:10.000;4;87011234567;87172000000;IVR;0\n"
        + "B2;2026-03-17 10:05:00.000;2026-03-17 10:05:10.000;4;87011234567;87172000000;I\x00;0\n"
        + "C\x003;2026-03-17 10:06:00.000;2026-03-17 10:06:10.000;4;87011234567;87172000000;IVR;0\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_oktell_calls", str(path), stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert err.getvalue().splitlines() == [
        f"{path}:3: the row contains a NUL character",
        f"{path}:4: the row contains a NUL character",
    ]
    assert list(Call.objects.values_list("call_id", flat=True)) == ["A1"]
