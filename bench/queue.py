"""Queue benchmarks (#5): plain asyncio HTTP/1.1 clients on loopback, no extra packages.

* call-next: N windows press "call next" at the same moment, in rounds for a fixed time
  (each window starts and finishes its consumer between rounds). Reports call-next latency percentiles and checks that
  no ticket was handed to two windows (by the clients' records and by the database).
* board: S board clients hold the live stream of one server process; calls are made through
  another server process. Reports the time from sending "call next" to the `call` event's
  arrival at every board client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


def run[T](coro: Coroutine[Any, Any, T]) -> T:
    """Run a client with uvloop where installed: a cheaper client leaves more of the machine's
    two cores to the server it measures."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    s = sorted(samples)

    def pct(p: float) -> float:
        return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]

    return {
        "n": len(s),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": s[-1],
        "mean": statistics.fmean(s),
    }


class Http:
    """One keep-alive connection."""

    def __init__(self, base: str, token: str | None = None) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def _head(self, method: str, path: str, length: int, accept: str) -> bytes:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Accept: {accept}",
            f"Content-Length: {length}",
        ]
        if length:
            lines.append("Content-Type: application/json")
        if self.token:
            lines.append(f"Authorization: Bearer {self.token}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def _headers(self) -> tuple[int, dict[str, str]]:
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by server")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").strip()
            if not line:
                return status, headers
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        data = json.dumps(body).encode() if body is not None else b""
        self.writer.write(self._head(method, path, len(data), "application/json") + data)
        status, headers = await self._headers()
        if headers.get("transfer-encoding") == "chunked":
            raw = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                raw += chunk[:-2]
        else:
            raw = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, (json.loads(raw) if raw else None)

    async def events(self, path: str) -> Any:
        """Yield (event, data) of a text/event-stream."""
        await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(self._head("GET", path, 0, "text/event-stream"))
        status, headers = await self._headers()
        if status != 200:
            raise ConnectionError(f"stream answered {status}")
        chunked = headers.get("transfer-encoding") == "chunked"
        buf = b""
        event, data = "message", []
        while True:
            if chunked:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    return
                buf += (await self.reader.readexactly(size + 2))[:-2]
            else:
                piece = await self.reader.read(65536)
                if not piece:
                    return
                buf += piece
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode().rstrip("\r")
                if not text:
                    if data:
                        yield event, "\n".join(data)
                    event, data = "message", []
                elif text.startswith("event:"):
                    event = text[6:].strip()
                elif text.startswith("data:"):
                    data.append(text[5:].strip())


# ------------------------------------------------------------------------- call next


WARM_UP_ROUNDS = 2
ROUND_PAUSE_SECONDS = 0.2  # between one round's last answer and the next round


@dataclass
class CallNextResult:
    latencies_ms: list[float] = field(default_factory=list)
    tickets: list[int] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    empty: int = 0
    # The slowest press of each measured round: the p99 of a run of about twenty rounds of
    # twenty presses lies in its slowest round or two.
    round_max_ms: dict[int, float] = field(default_factory=dict)


async def _window_loop(
    base: str, window: dict[str, Any], until: float, out: CallNextResult, barrier: asyncio.Barrier
) -> None:
    """Rounds: every window presses "call next" at the same moment (the barrier); once all
    have their answer, each starts and finishes its consumer, and after a short pause the
    next round begins. Only the presses are timed, and nothing else runs while they do."""
    http = Http(base, window["token"])
    await http.open()
    rounds = 0
    try:
        while True:
            await barrier.wait()
            if time.perf_counter() >= until:
                return
            t0 = time.perf_counter()
            status, body = await http.request(
                "POST", f"/api/v1/queue/windows/{window['id']}/call-next"
            )
            rounds += 1
            if rounds > WARM_UP_ROUNDS:  # the first presses open pools and prepare statements
                ms = (time.perf_counter() - t0) * 1000
                out.latencies_ms.append(ms)
                out.round_max_ms[rounds] = max(out.round_max_ms.get(rounds, 0.0), ms)
            if status == 204:
                out.empty += 1
            elif status != 200:
                code = body.get("code", str(status)) if isinstance(body, dict) else str(status)
                out.errors[code] = out.errors.get(code, 0) + 1
            await barrier.wait()  # the burst is over
            if status == 200:
                out.tickets.append(body["id"])
                for action in ("start", "finish"):
                    status, _ = await http.request(
                        "POST", f"/api/v1/queue/tickets/{body['id']}/{action}"
                    )
                    if status != 200:
                        out.errors[action] = out.errors.get(action, 0) + 1
                        break
            await barrier.wait()
            await asyncio.sleep(ROUND_PAUSE_SECONDS)
    finally:
        await http.close()


async def call_next_load(
    base: str, windows: list[dict[str, Any]], seconds: float
) -> CallNextResult:
    out = CallNextResult()
    barrier = asyncio.Barrier(len(windows))
    until = time.perf_counter() + seconds
    await asyncio.gather(*(_window_loop(base, w, until, out, barrier) for w in windows))
    return out


# ------------------------------------------------------------------------- board latency


async def board_latency(
    call_base: str,
    board_base: str,
    office: str,
    windows: list[dict[str, Any]],
    streams: int,
    calls: int,
    interval: float,
) -> dict[str, Any]:
    sent: dict[str, float] = {}
    seen: list[tuple[str, float]] = []
    connected = 0
    ready = asyncio.Event()
    failures: list[str] = []

    async def client() -> None:
        nonlocal connected
        http = Http(board_base)
        counted = False
        try:
            async for event, data in http.events(f"/api/v1/queue/offices/{office}/board/stream"):
                if event == "board" and not counted:
                    counted = True
                    connected += 1
                    if connected == streams:
                        ready.set()
                elif event == "call":
                    seen.append((json.loads(data).get("number"), time.perf_counter()))
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as e:
            failures.append(type(e).__name__)
        finally:
            await http.close()

    tasks = [asyncio.create_task(client()) for _ in range(streams)]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ready.wait(), timeout=60)
    held = connected
    callers = [Http(call_base, w["token"]) for w in windows]
    for c in callers:
        await c.open()
    call_ms: list[float] = []
    made = 0
    for i in range(calls):
        http, window = callers[i % len(callers)], windows[i % len(windows)]
        # The number is known only from the answer: stamp the send time on it afterwards.
        t0 = time.perf_counter()
        status, body = await http.request("POST", f"/api/v1/queue/windows/{window['id']}/call-next")
        call_ms.append((time.perf_counter() - t0) * 1000)
        if status == 200:
            sent[body["number"]] = t0
            made += 1
            await http.request("POST", f"/api/v1/queue/tickets/{body['id']}/start")
            await http.request("POST", f"/api/v1/queue/tickets/{body['id']}/finish")
        await asyncio.sleep(interval)
    await asyncio.sleep(2.0)  # the last events on their way
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in callers:
        await c.close()
    # An event may arrive before the caller has read its answer: match afterwards.
    arrivals = [(at - sent[n]) * 1000 for n, at in seen if n in sent]
    expected = made * held
    return {
        "streams_held": held,
        "calls": made,
        "deliveries": len(arrivals),
        "expected": expected,
        "latency": percentiles(arrivals),
        "call_ms": percentiles(call_ms),
        "failures": len(failures),
    }
