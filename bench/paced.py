"""Requests at a fixed rate (an open load), each one's latency counted from the moment it was
due: what "N per second with p99 under X ms" asks (#6, #7).

wrk's scenarios send back to back over a fixed number of connections: they find the most the
server can take, and there every request also waits for those queued before it, so their
latencies grow with the number of connections chosen. Here a scheduler releases request k at
``start + k / rate`` whatever happened to the ones before, and a pool of keep-alive
connections sends them; a request that finds every connection busy waits, and that wait is
part of its latency (no coordinated omission: a slow server cannot slow the load down and so
hide its own slowness). The client is plain asyncio in one process; at 1,000 requests a second
it costs a tenth of a core, which the server then does not have."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.queue import Http, percentiles
from bench.queue import run as client_run

CONNECTIONS = 64
# Request k of the run -> (path, JSON body).
Make = Callable[[int], tuple[str, Any]]


@dataclass
class PacedResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    late_start_ms: float = 0.0  # how far behind its schedule the client itself fell, at most


async def _connection(
    base: str,
    token: str,
    jobs: asyncio.Queue[tuple[int, float] | None],
    make: Make,
    warm_until: float,
    out: PacedResult,
) -> None:
    http = Http(base, token)
    await http.open()
    try:
        while (job := await jobs.get()) is not None:
            k, due = job
            path, body = make(k)
            try:
                status, _answer = await http.request("POST", path, body)
            except (OSError, ConnectionError, ValueError):
                status = 0  # counted as an error; a new connection for the next one
                await http.close()
                http = Http(base, token)
                await http.open()
            if due >= warm_until:
                out.statuses[status] = out.statuses.get(status, 0) + 1
                if 200 <= status < 300:  # a quick refusal must not flatter the percentiles
                    out.latencies_ms.append((time.perf_counter() - due) * 1000)
    finally:
        await http.close()


async def paced(
    base: str,
    token: str,
    make: Make,
    rate: float,
    seconds: float,
    connections: int = 64,
    warm_up: float = 3.0,
) -> PacedResult:
    out = PacedResult()
    jobs: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    start = time.perf_counter() + 0.2
    warm_until = start + warm_up
    workers = [
        asyncio.create_task(_connection(base, token, jobs, make, warm_until, out))
        for _ in range(connections)
    ]
    total = int(rate * (warm_up + seconds))
    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            out.late_start_ms = max(out.late_start_ms, -delay * 1000)
        jobs.put_nowait((k, due))
    for _ in workers:
        jobs.put_nowait(None)
    await asyncio.gather(*workers)
    return out


def run(base: str, token: str, make: Make, rate: float, seconds: float) -> dict[str, Any]:
    result = client_run(paced(base, token, make, rate, seconds))
    ok = sum(n for status, n in result.statuses.items() if 200 <= status < 300)
    errors = sum(result.statuses.values()) - ok
    return {
        **percentiles(result.latencies_ms),
        "rate": len(result.latencies_ms) / seconds,
        "errors": errors,
        "statuses": dict(sorted(result.statuses.items())),
        "late_start_ms": result.late_start_ms,
    }


def pbx_event(run_id: str) -> Make:
    """The wrk events scenario's stream: calls of three events each (started, answered,
    ended), every eleventh request a replay of the one before (of each kind in turn), as a
    PBX that retries sends."""
    kinds = ("call.started", "call.answered", "call.ended")

    def make(k: int) -> tuple[str, Any]:
        n = (k - 1) - (k - 1) // 11 if k % 11 == 10 else k - k // 11  # k - 1's event again
        call = n // 3
        at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        return "/api/v1/telephony/events", {
            "event": kinds[n % 3],
            "call_id": f"paced-{run_id}-{call}",
            "phone": f"+7701{call % 10_000_000:07d}",
            "at": at,
            "operator": "cc_operator",
        }

    return make


def reading(accounts: int) -> Make:
    """Readings of the imported accounts, as the wrk readings scenario sends them."""

    def make(k: int) -> tuple[str, Any]:
        n = (50_000 + k * 13) % accounts + 1
        return "/api/v1/readings", {
            "account": f"9{n:09d}",
            "meter": f"M{n:09d}",
            "value": str(100 + n % 900 + 1 + n % 7),
            "source": "contact_center",
        }

    return make
