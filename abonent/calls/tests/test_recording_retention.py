"""Recordings are kept ABONENT_RECORDING_RETENTION_DAYS (CC-4: one year), except those an
open appeal still needs: ``purge_recordings`` and ``manage.py purge_recordings``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from abonent.appeals.models import Appeal
from abonent.appeals.services import AppealInput, register_appeal
from abonent.calls.models import Call
from abonent.calls.recordings import purge_recordings
from abonent.calls.services import link_call_to_appeal
from abonent.calls.tests.fake_oktell import FakeOktell
from abonent.core.models import AuditEntry

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    with override_settings(ABONENT_RECORDINGS_DIR=tmp_path):
        yield tmp_path


def recorded(pbx: FakeOktell, folder: Path, name: str, days_ago: int) -> Call:
    start = (NOW - timedelta(days=days_ago)).astimezone().replace(tzinfo=None)
    path = f"{name}.wav"
    (folder / path).write_bytes(b"RIFF" + name.encode())
    chain = pbx.answered_call(phone="87011234567", operator="201", start=start, chain_id=name)
    assert pbx.recording_later(chain, record_path=path, ready=start).status_code == 201
    return Call.objects.get(call_id=name)


def appeal() -> Appeal:
    return register_appeal(
        data=AppealInput(channel="phone", kind="complaint", applicant_type="individual",
                         last_name="Петров", first_name="Пётр", phone="+77011234567",
                         text="Жалоба на начисление за февраль."),
        actor=None,
    )  # fmt: skip


def state(name: str) -> tuple[str, bool, bool]:
    call = Call.objects.get(call_id=name)
    return call.recording_ref, call.recording_purged_at is not None, call.retained_for_appeal


def test_old_recordings_go_except_those_of_open_appeals(pbx: FakeOktell, folder: Path) -> None:
    recorded(pbx, folder, "old", days_ago=400)
    recent = recorded(pbx, folder, "recent", days_ago=300)
    needed = recorded(pbx, folder, "needed", days_ago=500)
    closed = recorded(pbx, folder, "closed", days_ago=500)
    open_appeal, closed_appeal = appeal(), appeal()
    link_call_to_appeal(call=needed, appeal=open_appeal, actor=None)
    link_call_to_appeal(call=closed, appeal=closed_appeal, actor=None)
    link_call_to_appeal(call=recent, appeal=closed_appeal, actor=None)
    Appeal.objects.filter(pk=closed_appeal.pk).update(status="answered")

    result = purge_recordings(now=NOW)

    assert (result.purged, result.kept_for_appeal) == (2, 1)
    assert state("old") == ("", True, False)
    assert state("closed") == ("", True, False)
    assert state("needed") == ("needed.wav", False, True)
    assert state("recent") == ("recent.wav", False, False)
    assert sorted(p.name for p in folder.iterdir()) == ["needed.wav", "recent.wav"]
    purged = AuditEntry.objects.filter(action="call.recording_purged")
    assert sorted((e.object_id, e.before["recording"]) for e in purged) == sorted(
        [(str(Call.objects.get(call_id=n).pk), f"{n}.wav") for n in ("old", "closed")]
    )

    # Nothing more to do on the next run; once the appeal is answered, its recording goes.
    assert purge_recordings(now=NOW) == type(result)(purged=0, kept_for_appeal=1)
    Appeal.objects.filter(pk=open_appeal.pk).update(status="answered")
    assert purge_recordings(now=NOW) == type(result)(purged=1, kept_for_appeal=0)
    assert state("needed") == ("", True, False)
    assert sorted(p.name for p in folder.iterdir()) == ["recent.wav"]


def test_a_purged_call_does_not_take_a_recording_again(pbx: FakeOktell, folder: Path) -> None:
    recorded(pbx, folder, "old", days_ago=400)
    purge_recordings(now=NOW)
    r = pbx.post("recording.ready", "old", NOW.replace(tzinfo=None), recording_url="again.wav")
    assert r.status_code == 200  # a replay of recording.ready: stored once
    assert state("old") == ("", True, False)


def test_the_retention_period_is_a_setting(pbx: FakeOktell, folder: Path) -> None:
    recorded(pbx, folder, "month", days_ago=31)
    with override_settings(ABONENT_RECORDING_RETENTION_DAYS=30):
        assert purge_recordings(now=NOW).purged == 1
    assert state("month") == ("", True, False)


def test_the_command_reports_what_it_did(pbx: FakeOktell, folder: Path) -> None:
    now = datetime.now(UTC)
    start = (now - timedelta(days=366)).astimezone().replace(tzinfo=None)
    (folder / "x.wav").write_bytes(b"RIFF")
    chain = pbx.answered_call(phone="87011234567", operator="201", start=start, chain_id="X")
    pbx.recording_later(chain, record_path="x.wav", ready=start)
    out = StringIO()
    call_command("purge_recordings", stdout=out)
    assert out.getvalue() == "1 recordings deleted, 0 kept for open appeals.\n"
    assert not (folder / "x.wav").exists()
