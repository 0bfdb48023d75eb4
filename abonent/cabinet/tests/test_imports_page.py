"""Issue #7 (billing import): staff follow the imports on a page — how far a large file has
got while it runs (refreshing itself), the counts when done — and download the rejection
report as CSV; for system administrators, the head and controllers only."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from abonent.cabinet import importing
from abonent.cabinet.importing import import_billing
from abonent.cabinet.models import ImportRun
from abonent.cabinet.sample import write_sample_csv
from abonent.core.roles import Role

from .conftest import make_user

URL = "/staff/cabinet/imports/"


def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "billing.csv"
    with path.open("w", encoding="utf-8") as out:
        write_sample_csv(out, accounts=25)
        out.write("bad account!,S1,individual,mzhf,Имя\n")
    return path


def test_progress_is_recorded_while_the_file_is_read(
    tmp_path: Path, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int, float]] = []
    real = importing._record_progress

    def spy(result: Any, share: float) -> None:
        real(result, share)
        run = ImportRun.objects.get(pk=result.run.pk)
        seen.append((run.rows, run.accepted, round(run.progress, 2)))

    monkeypatch.setattr(importing, "_record_progress", spy)
    result = import_billing(broken_file(tmp_path), progress_every=10, chunk_size=10)
    assert [(rows, accepted) for rows, accepted, _share in seen] == [(10, 10), (20, 20)]
    assert 0 < seen[0][2] <= seen[1][2] <= 1  # read through a buffer: a small file at once
    run = ImportRun.objects.get(pk=result.run.pk)
    assert (run.rows, run.accepted, run.rejected, run.progress) == (26, 25, 1, 1.0)
    assert run.rejections == [
        {"line": 27, "account": "bad account!", "reason": "account: only letters, digits and '-'"}
    ]


def test_the_page_shows_a_running_import_and_refreshes(client: Client, db: None) -> None:
    ImportRun.objects.create(file_name="night.csv", file_format="csv", rows=40000, progress=0.42)
    client.force_login(make_user("sa", Role.SYSADMIN))
    page = client.get(URL).content.decode()
    assert "night.csv" in page and 'value="42"' in page and "40000" in page
    assert 'hx-trigger="every 5s"' in page


def test_the_rejection_report_downloads_as_csv(
    client: Client, db: None, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    run = import_billing(broken_file(tmp_path)).run
    client.force_login(make_user("head", Role.HEAD))
    with django_assert_max_num_queries(5):
        page = client.get(URL).content.decode()
    assert f"/staff/cabinet/imports/{run.pk}/rejected.csv" in page
    assert 'hx-trigger="every 5s"' not in page
    response = client.get(f"/staff/cabinet/imports/{run.pk}/rejected.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["line", "account", "reason"],
        ["27", "bad account!", "account: only letters, digits and '-'"],
    ]
    assert client.get("/staff/cabinet/imports/999999/rejected.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.CC_OPERATOR, Role.INTEGRATION])
def test_other_roles_are_refused(client: Client, db: None, tmp_path: Path, role: str) -> None:
    run = import_billing(broken_file(tmp_path)).run
    client.force_login(make_user("x", role))
    assert client.get(URL).status_code == 403
    assert client.get(f"/staff/cabinet/imports/{run.pk}/rejected.csv").status_code == 403
