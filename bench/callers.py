"""The IVR at a realistic load (#6): callers in the voice menu at once, each pressing a key
about once a second, as people do (plain asyncio clients, one connection per caller).

wrk's IVR scenario measures steps back to back over 8 connections: the server's capacity,
where every step also waits for the ones queued before it. Here the load is what a busy
contact centre sends, and the latency is one step's own (measured from the moment the
caller pressed, so a slow answer also delays that caller's next step, as it would)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from bench.queue import Http

INPUTS = ("", "1", "1", "1")  # language, main menu, reference information, hours


@dataclass
class CallersResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


async def _caller(
    base: str, token: str, run: str, n: int, until: float, warm_until: float, out: CallersResult
) -> None:
    http = Http(base, token)
    await http.open()
    rng = random.Random(n)
    session = 0
    try:
        await asyncio.sleep(rng.random())  # callers do not all press at the same moment
        while time.perf_counter() < until:
            session += 1
            for seq, keys in enumerate(INPUTS, start=1):
                body = {
                    "session": f"callers-{run}-{n}-{session}",
                    "caller": f"+7701{n:07d}",
                    "input": keys,
                    "seq": seq,
                }
                t0 = time.perf_counter()
                status, answer = await http.request("POST", "/api/v1/ivr/step", body)
                if t0 >= warm_until:
                    out.latencies_ms.append((time.perf_counter() - t0) * 1000)
                    if status != 200:
                        code = answer.get("code", str(status)) if isinstance(answer, dict) else ""
                        out.errors[code or str(status)] = out.errors.get(code or str(status), 0) + 1
                await asyncio.sleep(0.7 + 0.6 * rng.random())  # about a second to the next key
    finally:
        await http.close()


async def ivr_callers(
    base: str, token: str, run: str, callers: int, seconds: float, warm_up: float = 3.0
) -> CallersResult:
    out = CallersResult()
    start = time.perf_counter()
    until = start + warm_up + seconds
    await asyncio.gather(
        *(_caller(base, token, run, n, until, start + warm_up, out) for n in range(callers))
    )
    return out


def summary(result: CallersResult, seconds: float) -> dict[str, Any]:
    from bench.queue import percentiles

    return {**percentiles(result.latencies_ms), "rate": len(result.latencies_ms) / seconds}
