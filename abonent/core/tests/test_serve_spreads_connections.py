"""``python -m abonent.serve`` (``make serve``): the supervisor accepts each connection and
hands it to the worker process with the fewest open connections, so that long-lived
connections — operators' consoles, boards — opened together are spread evenly over the
workers (#5); a worker that dies is started again; SIGTERM stops them all."""

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
    pytest.mark.skipif(not hasattr(socket, "send_fds"), reason="needs socket.send_fds"),
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


def workers(server: subprocess.Popen[bytes], port: int) -> dict[int, int]:
    """Each worker process of ``server``: its count of open connections on ``port``."""
    open_ = tcp(port, "01")
    out = {}
    for pid in children(server.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            out[pid] = len(sockets_of(pid) & open_)
    return out


def answering(server: subprocess.Popen[bytes], port: int) -> bool:
    """Whether ``server`` has its workers and answers."""
    if len(workers(server, port)) != 2:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            return b"200 OK" in healthz(conn)
    except OSError:
        return False


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
        until(lambda: answering(process, port))
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


def test_connections_go_to_the_worker_with_the_fewest(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    more: list[socket.socket] = []
    try:
        assert all(b"200 OK" in healthz(c) for c in conns)
        held = workers(process, port)
        assert sorted(held.values()) == [10, 10], held  # by address hash: often 13 and 7
        # Six consoles of one worker close; the next four connections all go to it.
        first = next(iter(held))
        mine = [c for c in conns if owner(process, port, c) == first]
        for c in mine[:6]:
            c.close()
        until(lambda: workers(process, port)[first] == 4)
        more = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        assert all(b"200 OK" in healthz(c) for c in more)
        assert set(workers(process, port).values()) == {8, 10}
        assert all(owner(process, port, c) == first for c in more)
    finally:
        for c in conns + more:
            c.close()


def owner(server: subprocess.Popen[bytes], port: int, conn: socket.socket) -> int | None:
    """The worker holding the server's end of ``conn`` (found by the client's port)."""
    client_port = conn.getsockname()[1]
    ends = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        if int(local, 16) == port and int(remote, 16) == client_port:
            ends.add(fields[9])
    return next((pid for pid in workers(server, port) if sockets_of(pid) & ends), None)


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    first, second = sorted(workers(process, port))
    os.kill(first, signal.SIGKILL)
    until(lambda: first not in workers(process, port) and answering(process, port))
    # The new worker takes connections: both hold some of eight opened together.
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
    try:
        assert all(b"200 OK" in healthz(c) for c in conns)
        assert sorted(workers(process, port).values()) == [4, 4]
    finally:
        for c in conns:
            c.close()
    pids = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(40) == 0
    until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), timeout=10)
    assert second in pids
