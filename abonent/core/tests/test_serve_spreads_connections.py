"""``python -m abonent.serve`` (``make serve``): each worker process listens on a socket of
its own (SO_REUSEPORT), so that the kernel spreads long-lived connections — operators'
consoles, boards — over the workers rather than the first worker to wake taking them all
(#5); a worker that dies is started again; SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="needs SO_REUSEPORT"),
    pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc (Linux)"),
    # The server runs on a SQLite file of its own: once per test run is enough.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="run with the SQLite suite"),
]
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def sockets_of(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def tcp(port: int, state: str) -> set[str]:
    """The inodes of the sockets on local ``port`` in ``state`` (0A listening, 01 open)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    return inodes


def listeners(server: subprocess.Popen[bytes], port: int) -> dict[int, int]:
    """Each worker of ``server`` listening on ``port``: its count of open connections."""
    listening, open_ = tcp(port, "0A"), tcp(port, "01")
    out = {}
    for pid in children(server.pid):
        held = sockets_of(pid)
        if held & listening:
            out[pid] = len(held & open_)
    return out


def until(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    process = subprocess.Popen(
        [sys.executable, "-m", "abonent.serve", "--workers", "2", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        until(lambda: len(listeners(process, port)) == 2)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        for pid in children(process.pid):
            os.kill(pid, signal.SIGKILL)


def healthz(conn: socket.socket) -> bytes:
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b'"status"' not in answer:
        piece = conn.recv(65536)
        if not piece:
            break
        answer += piece
    return answer


def test_twenty_connections_opened_at_once_land_on_both_workers(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    try:
        assert all(b"200 OK" in healthz(c) for c in conns)
        held = listeners(process, port)
        assert sum(held.values()) == 20
        assert min(held.values()) >= 2, held  # one shared socket: often 20 and 0
    finally:
        for c in conns:
            c.close()


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    first, second = sorted(listeners(process, port))
    os.kill(first, signal.SIGKILL)
    until(lambda: len(listeners(process, port)) == 2 and first not in listeners(process, port))
    with socket.create_connection(("127.0.0.1", port)) as conn:
        assert b"200 OK" in healthz(conn)
    workers = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(40) == 0
    until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout=10)
    assert second in workers
