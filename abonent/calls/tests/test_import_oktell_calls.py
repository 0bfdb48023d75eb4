"""The nightly import of Oktell's statistics (CC-4): ``manage.py import_oktell_calls``.
Idempotent, merges with what the web requests created, reports broken rows by line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from abonent.calls.models import Call, CallEvent
from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import CC_NUMBER, Chain, FakeOktell, Leg


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_oktell_calls", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Call.objects.order_by("call_id").values_list(
            "call_id", "status", "direction", "phone", "operator_login", "operator__username",
            "started_at", "answered_at", "ended_at", "duration", "recorded", "recording_ref",
        )
    )  # fmt: skip


def test_import_fills_in_what_the_web_requests_missed_and_changes_nothing_twice(
    pbx: FakeOktell, tmp_path: Path
) -> None:
    delivered = pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10)
    pbx.missed_call(phone="87770001122", start=TUESDAY_10 + timedelta(minutes=5))
    # A call whose web requests never arrived (the link was down), recorded.
    lost = Chain("6F1C0C9E-0000-4000-8000-00000000A0A0")
    start = TUESDAY_10 + timedelta(minutes=30)
    lost.legs = [
        Leg(4, start, start + timedelta(seconds=15), "87013334455", CC_NUMBER, b_line="IVR"),
        Leg(5, start + timedelta(seconds=15), start + timedelta(seconds=75), "87013334455",
            CC_NUMBER, b_line="cc_operator", recorded=True, record_path="2026/03/17/lost.wav"),
    ]  # fmt: skip
    # An internal call between two operators: not a consumer call.
    internal = Chain("INTERNAL-1", [Leg(3, start, start + timedelta(seconds=9), "", "",
                                        a_line="201", b_line="202")])  # fmt: skip
    path = pbx.write_csv(tmp_path / "export.csv", [*pbx.calls, lost, internal])
    over_http = snapshot()

    out, err = run(path)
    assert err == ""
    assert out == (
        "6 rows, 3 calls, 1 internal calls skipped; 4 new events, 5 already known; "
        "0 broken rows, 0 calls skipped.\n"
    )
    # The calls the PBX had reported are unchanged; the lost one is complete.
    assert [row for row in snapshot() if row[0] != lost.chain_id.lower()] == over_http
    new = Call.objects.get(call_id=lost.chain_id.lower())
    assert (new.status, new.phone, new.operator.get_username() if new.operator else None) == (
        "completed",
        "+77013334455",
        "cc_operator",
    )
    assert (new.started_at, new.duration, new.recording_ref, new.recorded) == (
        datetime(2026, 3, 17, 5, 30, tzinfo=UTC),
        60,
        "2026/03/17/lost.wav",
        True,
    )
    # The delivered call gets the PBX's recorded flag from the statistics.
    assert Call.objects.get(call_id=delivered.chain_id.lower()).recorded is False
    assert set(CallEvent.objects.filter(source="import").values_list("event", flat=True)) == {
        "call.started",
        "call.answered",
        "call.ended",
        "recording.ready",
    }

    after_first = snapshot()
    events = CallEvent.objects.count()
    out, err = run(path)
    assert out.startswith("6 rows, 3 calls, 1 internal calls skipped; 0 new events, 9 already")
    assert snapshot() == after_first
    assert CallEvent.objects.count() == events


def test_broken_rows_are_reported_by_line_and_skip_their_chain(
    pbx_token: str, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "IdChain;TimeStart;TimeStop;ConnectionType;AOutNumber;BOutNumber;BLineNum;IsRecorded\n"
        "A1;2026-03-17 10:00:00.000;2026-03-17 10:00:10.000;4;87011234567;87172000000;IVR;0\n"
        "A1;2026-03-17 10:00:10.000;2026-03-17 10:01:10.000;5;87011234567;87172000000;201;1\n"
        "B2;not a time;2026-03-17 10:00:10.000;4;87011234567;87172000000;IVR;0\n"
        "B2;2026-03-17 10:00:10.000;2026-03-17 10:01:10.000;5;87011234567;87172000000;201;0\n"
        "C3;2026-03-17 11:00:00.000;2026-03-17 10:00:00.000;4;87011234567;87172000000;IVR;0\n"
        "D4;2026-03-17 11:00:00.000;;9;87011234567;87172000000;IVR;0\n"
        "E5;2026-03-17 12:00:00.000;2026-03-17 12:00:30.000;4;call me;87172000000;IVR;0\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_oktell_calls", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert err.getvalue().splitlines() == [
        f"{path}:4: TimeStart is not a time: 'not a time'",
        f"{path}:6: TimeStop is before TimeStart",
        f"{path}:7: ConnectionType 9 is not 1..8",
        f"{path}:8: chain E5: not a phone number: 'call me'",
    ]
    assert list(Call.objects.values_list("call_id", "status", "recorded")) == [
        ("A1", "completed", True)
    ]


def test_a_file_without_the_needed_columns_is_refused(pbx_token: str, tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("IdChain;TimeStart\nA1;2026-03-17 10:00:00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Missing columns: ConnectionType, AOutNumber"):
        run(path)
    assert not Call.objects.exists()


def test_comma_separated_exports_with_outgoing_calls(pbx_token: str, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text(
        "IdChain,TimeStart,TimeStop,ConnectionType,AOutNumber,BOutNumber,ALineNum,IsRecorded\n"
        "O1,2026-03-17 15:00:00,2026-03-17 15:02:00,1,87172000000,+7 701 555 66 77,201,1\n",
        encoding="utf-8",
    )
    run(path)
    call = Call.objects.get()
    assert (call.direction, call.phone, call.operator_login, call.duration, call.status) == (
        "out",
        "+77015556677",
        "201",
        120,
        "completed",
    )
