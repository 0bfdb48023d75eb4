"""Recordings (CC-4): only permitted staff listen, through a view that streams the file or
proxies the PBX's URL and writes an audit row per listen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from abonent.calls.models import Call
from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import FakeOktell
from abonent.core.models import AuditEntry

SOUND = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 40


@pytest.fixture
def recordings(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "recordings"
    (folder / "2026" / "03" / "17").mkdir(parents=True)
    with override_settings(ABONENT_RECORDINGS_DIR=folder):
        yield folder


def recorded_call(pbx: FakeOktell, folder: Path, *, operator: str = "201") -> Call:
    (folder / "2026/03/17/call.wav").write_bytes(SOUND)
    chain = pbx.answered_call(phone="87011234567", operator=operator, start=TUESDAY_10)
    r = pbx.recording_later(chain, record_path="2026\\03\\17\\call.wav", ready=TUESDAY_10)
    assert r.status_code == 201, r.content
    return Call.objects.get(call_id=chain.chain_id.lower())


def listen(client: Client, username: str, call: Call) -> object:
    client.force_login(get_user_model().objects.get(username=username))
    return client.get(f"/staff/calls/{call.pk}/recording")


def listens(call: Call) -> list[str]:
    return list(
        AuditEntry.objects.for_object(call)
        .filter(action="call.recording_listened")
        .values_list("actor_label", flat=True)
    )


@pytest.mark.parametrize("username", ["senior_operator", "head", "manager", "admin"])
def test_supervisors_listen_to_the_file_and_each_listen_is_audited(
    client: Client, pbx: FakeOktell, recordings: Path, username: str
) -> None:
    call = recorded_call(pbx, recordings)
    for _ in range(2):
        r = listen(client, username, call)
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == SOUND  # type: ignore[attr-defined]
        assert r["Cache-Control"] == "private, no-store"
    assert listens(call) == [username, username]


def test_the_operator_listens_to_their_own_call_only(
    client: Client, pbx: FakeOktell, recordings: Path
) -> None:
    own = recorded_call(pbx, recordings, operator="201")
    assert listen(client, "cc_operator", own).status_code == 200
    other = recorded_call(pbx, recordings, operator="305")
    assert listen(client, "cc_operator", other).status_code == 403
    assert listens(own) == ["cc_operator"] and listens(other) == []


@pytest.mark.parametrize("username", ["cashier", "operator", "chancellery", "oktell"])
def test_others_are_refused_and_nothing_is_audited(
    client: Client, pbx: FakeOktell, recordings: Path, username: str
) -> None:
    call = recorded_call(pbx, recordings)
    assert listen(client, username, call).status_code == 403
    assert listens(call) == []


def test_a_missing_file_is_404_without_an_audit_row(
    client: Client, pbx: FakeOktell, recordings: Path
) -> None:
    call = recorded_call(pbx, recordings)
    (recordings / "2026/03/17/call.wav").unlink()
    r = listen(client, "head", call)
    assert r.status_code == 404
    assert r.context["code"] == "recording_unavailable"
    assert listens(call) == []


def test_a_call_without_a_recording_is_404(client: Client, pbx: FakeOktell) -> None:
    pbx.missed_call(phone="87011234567", start=TUESDAY_10)
    assert listen(client, "head", Call.objects.get()).status_code == 404


class _Pbx(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/records/c1.wav":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(SOUND)))
        self.end_headers()
        self.wfile.write(SOUND)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pbx_web() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pbx)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def url_call(pbx: FakeOktell, url: str) -> Call:
    chain = pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10)
    assert pbx.recording_later(chain, record_path=url, ready=TUESDAY_10).status_code == 201
    return Call.objects.get(call_id=chain.chain_id.lower())


def test_a_url_reference_is_proxied_from_an_allowed_pbx_host(
    client: Client, pbx: FakeOktell, pbx_web: str
) -> None:
    call = url_call(pbx, f"{pbx_web}/records/c1.wav")
    with override_settings(ABONENT_RECORDING_URL_HOSTS=["127.0.0.1"]):
        r = listen(client, "manager", call)
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == SOUND  # type: ignore[attr-defined]
        assert r["Content-Length"] == str(len(SOUND))
    assert listens(call) == ["manager"]


def test_a_url_on_another_host_is_not_fetched(
    client: Client, pbx: FakeOktell, pbx_web: str
) -> None:
    call = url_call(pbx, f"{pbx_web}/records/c1.wav")
    with override_settings(ABONENT_RECORDING_URL_HOSTS=["oktell.aes.local"]):
        r = listen(client, "manager", call)
    assert r.status_code == 409
    assert r.context["code"] == "recording_host_not_allowed"
    assert listens(call) == []


def test_a_url_the_pbx_does_not_serve_is_404(client: Client, pbx: FakeOktell, pbx_web: str) -> None:
    call = url_call(pbx, f"{pbx_web}/records/gone.wav")
    with override_settings(ABONENT_RECORDING_URL_HOSTS=["127.0.0.1"]):
        assert listen(client, "manager", call).status_code == 404
    assert listens(call) == []
