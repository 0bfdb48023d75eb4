"""`make bench`: start Abonent on PostgreSQL under uvicorn with several workers
(`python -m abonent.serve`), drive a bounded load on loopback with wrk (a separate native
process), print throughput and latency percentiles per scenario. Only 127.0.0.1 is ever a
target."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import cabinet, callers, history, paced, queue
from bench.scenarios import EVENTS, READINGS, SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abonent_bench")
APPEALS = int(os.environ.get("BENCH_APPEALS", "1000000"))
# BENCH_ONLY=register,journal runs the scenarios whose names contain one of the words;
# BENCH_REUSE_DB=1 keeps an already prepared database (for tuning runs).
ONLY = [w for w in os.environ.get("BENCH_ONLY", "").lower().split(",") if w]
REUSE_DB = os.environ.get("BENCH_REUSE_DB", "") in {"1", "true", "yes"}
QUEUE_WINDOWS = int(os.environ.get("BENCH_QUEUE_WINDOWS", "20"))
BOARD_STREAMS = int(os.environ.get("BENCH_BOARD_STREAMS", "500"))
BOARD_CALLS = int(os.environ.get("BENCH_BOARD_CALLS", "100"))
IVR_CALLERS = int(os.environ.get("BENCH_IVR_CALLERS", "40"))
# The open loads of bench/paced.py: the rates the issues name (#6, #7).
EVENTS_RATE = float(os.environ.get("BENCH_EVENTS_RATE", "1000"))
READINGS_RATE = float(os.environ.get("BENCH_READINGS_RATE", "500"))
# The contact centre's past (bench/history.py): calls with their events, IVR sessions.
CALL_HISTORY = int(os.environ.get("BENCH_CALL_HISTORY", "200000"))
IVR_HISTORY = int(os.environ.get("BENCH_IVR_HISTORY", "100000"))
# The queue's past (bench/history.py): served tickets of the demo offices with their steps.
QUEUE_HISTORY = int(os.environ.get("BENCH_QUEUE_HISTORY", "200000"))
QUEUE_WORDS = {"queue", "call-next", "board"}
CABINET_WORDS = {"cabinet", "readings", "import"}
CALLS_WORDS = {"telephony", "events", "ivr"}
SITE_WORDS = {"website", "pages"}
# Scenarios that need no appeals: when only they are selected, none are generated.
NO_APPEALS_WORDS = QUEUE_WORDS | CABINET_WORDS | CALLS_WORDS | SITE_WORDS


def selected(name: str) -> bool:
    return not ONLY or any(w in name.lower() for w in ONLY)


def parse_wrk(output: str) -> dict[str, float]:
    """Pull requests/s, latency percentiles (ms) and error counts out of `wrk --latency`."""
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
    result: dict[str, float] = {}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if m:
            result[f"p{pct}"] = float(m.group(1)) * units[m.group(2)]
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if m:
        result["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", output)
    if m:
        result["requests"] = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = float(m.group(1)) if m else 0.0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["socket_errors"] = float(sum(int(g) for g in m.groups())) if m else 0.0
    return result


# A done() hook prints p50/p95/p99 from wrk's own histogram (--latency has no p95).
PERCENTILES_HOOK = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("PCT_US %d %.0f\\n", p, tonumber(latency:percentile(p))))
  end
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package 'wrk'", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is required for `make bench` (Debian: apt-get install wrk).")
    return found


def prepare_database(env: dict[str, str]) -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    if REUSE_DB:
        env["BENCH_TOKEN"] = issue_token(env)
        return
    admin_url = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    appeals = 0 if ONLY and set(ONLY) <= NO_APPEALS_WORDS else APPEALS
    for cmd in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo"],
        ["generate_appeals", "--count", str(appeals)],
    ):
        print("manage.py", *cmd, flush=True)
        subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True)
    if any(selected(word) for word in CALLS_WORDS):  # every word is selected without ONLY
        started = time.perf_counter()
        line = history.load(DB_URL, CALL_HISTORY, IVR_HISTORY)
        print(f"{line} ({time.perf_counter() - started:.1f} s)", flush=True)
    if any(selected(word) for word in QUEUE_WORDS):
        started = time.perf_counter()
        line = history.load_queue(DB_URL, QUEUE_HISTORY)
        print(f"{line} ({time.perf_counter() - started:.1f} s)", flush=True)
    # What autovacuum would do after a while: statistics for the planner and a visibility
    # map for index-only scans. A benchmark right after a bulk load would measure neither.
    # And the checkpoint that puts the loaded pages on the disk before the day's load
    # (else the checkpointer writes them during the first scenarios, which measure it).
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")
    env["BENCH_TOKEN"] = issue_token(env)


def issue_token(env: dict[str, str], username: str = "chancellery") -> str:
    return subprocess.run(
        [PY, "manage.py", "issue_token", username],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]


def check_calls(run: str, prefix: str = "bench") -> str:
    """After the events scenario: one row per (call, event) however often the PBX repeated
    it, and every call whose three events arrived is complete."""
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        events, distinct, calls, complete = conn.execute(
            "SELECT count(*), count(DISTINCT (e.call_id, e.event)), count(DISTINCT c.id), "
            "count(DISTINCT c.id) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL) "
            "FROM calls_callevent e JOIN calls_call c ON c.call_id = e.call_id "
            "WHERE c.call_id LIKE %s",
            [f"{prefix}-{run}-%"],
        ).fetchone()
    return (
        f"{prefix}: {calls} calls, {events} event rows ({'no duplicates' if events == distinct else 'DUPLICATES'}), "
        f"{complete} calls with answer and end"
    )


def check_numbers() -> str:
    """After the write scenario: incoming numbers must be unique and gapless per year."""
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        rows = conn.execute(
            "SELECT year, count(*), count(DISTINCT seq), max(seq) FROM appeals_appeal "
            "GROUP BY year ORDER BY year"
        ).fetchall()
    bad = [r for r in rows if not (r[1] == r[2] == r[3])]
    total = sum(r[1] for r in rows)
    return f"{total} appeals; numbers unique and gapless per year: {bad or 'yes'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not become healthy")


def _children_cpu_ticks(parent: int) -> dict[int, int]:
    """CPU time (user + system, clock ticks) of each child process of ``parent`` (Linux)."""
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # fields after the command: state, ppid, ...
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


def wait_all_workers(server: subprocess.Popen[bytes], workers: int, timeout: float = 120) -> None:
    """The first healthy answer comes from the first worker up; the others may still be
    importing Django. Wait until every worker process has finished starting (its CPU time
    stops growing), so no scenario measures a start-up."""
    deadline = time.monotonic() + timeout
    previous: dict[int, int] = {}
    while time.monotonic() < deadline:
        spent = _children_cpu_ticks(server.pid)
        if (
            len(spent) >= workers
            and previous
            and all(spent[pid] - previous.get(pid, 0) <= 2 for pid in spent)
        ):
            return
        previous = spent
        time.sleep(0.5)
    print("(the workers did not settle; measuring anyway)", file=sys.stderr)


def run_scenario(wrk: str, base: str, scenario: Scenario, env: dict[str, str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(scenario.lua + PERCENTILES_HOOK)
        script = f.name
    try:
        if scenario.warm_up:
            # Its own call and session ids: the measured run must not replay the warm-up's.
            subprocess.run(
                [
                    wrk,
                    f"-t{scenario.threads or THREADS}",
                    f"-c{scenario.connections}",
                    "-d3s",
                    "-s",
                    script,
                    base,
                ],
                capture_output=True,
                check=False,
                timeout=60,
                env={**env, "BENCH_RUN": env.get("BENCH_RUN", "") + "0"},
            )
        out = subprocess.run(
            [
                wrk,
                f"-t{scenario.threads or THREADS}",
                f"-c{scenario.connections}",
                f"-d{SECONDS}s",
                "--latency",
                "--timeout",
                "5s",
                "-s",
                script,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=SECONDS + 60,
            env=env,
        ).stdout
    finally:
        os.unlink(script)
    stats = parse_wrk(out)
    for pct, micros in re.findall(r"PCT_US (\d+) (\d+)", out):
        stats[f"p{pct}"] = int(micros) / 1000.0
    if "p95" not in stats:
        print(f"(wrk printed no p95 for {scenario.name}:)\n{out}", file=sys.stderr)
    return stats


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            PY,
            "-m",
            "abonent.serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def queue_setup(env: dict[str, str], tickets: int) -> dict[str, Any]:
    out = subprocess.run(
        [PY, "-m", "bench.queue_setup", str(QUEUE_WINDOWS), str(tickets)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def duplicate_calls(office: str) -> int:
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        row = conn.execute(
            "SELECT count(*) FROM (SELECT e.ticket_id FROM equeue_ticketevent e "
            "JOIN equeue_ticket t ON t.id = e.ticket_id JOIN core_office o ON o.id = t.office_id "
            "WHERE o.code = %s AND e.action = 'called' GROUP BY e.ticket_id HAVING count(*) > 1) d",
            [office],
        ).fetchone()
    return int(row[0]) if row else -1


def row(name: str, rps: float, p: dict[str, float], errors: int) -> None:
    print(
        f"{name:55} {rps:9.0f} {p.get('p50', 0):8.2f} {p.get('p95', 0):8.2f} "
        f"{p.get('p99', 0):8.2f} {errors:7d}",
        flush=True,
    )


def run_queue(base: str, env: dict[str, str]) -> None:
    if selected("queue call-next"):
        # A consumer for every press of the run (at most a round every 0.2 s), so that every
        # press measured is a call: a press into an empty line is another operation's figure.
        rounds = int(SECONDS / queue.ROUND_PAUSE_SECONDS) + queue.WARM_UP_ROUNDS + 1
        setup = queue_setup(env, tickets=QUEUE_WINDOWS * rounds)
        result = queue.run(queue.call_next_load(base, setup["windows"], SECONDS))
        stats = queue.percentiles(result.latencies_ms)
        row(
            f"queue call-next, {QUEUE_WINDOWS} windows at once ({QUEUE_WINDOWS})",
            len(result.latencies_ms) / SECONDS,  # presses per second over the run
            stats,
            sum(result.errors.values()),
        )
        slowest = sorted(result.round_max_ms.values())
        if slowest:
            print(
                f"  {len(slowest)} rounds; the slowest press of a round: median "
                f"{slowest[len(slowest) // 2]:.1f} ms, the three slowest rounds "
                + ", ".join(f"{ms:.1f}" for ms in slowest[-3:])
                + " ms"
            )
        dup_clients = len(result.tickets) - len(set(result.tickets))
        print(
            f"  {len(result.tickets)} calls, {result.empty} presses into an empty line; "
            f"duplicate calls: by the clients {dup_clients}, "
            f"in the database {duplicate_calls(setup['office'])}; errors {result.errors or 'none'}"
        )
    if selected("queue board"):
        setup = queue_setup(env, tickets=BOARD_CALLS * 2)
        port = free_port()
        board_server = start_server(env, port, 1)
        try:
            board_base = f"http://127.0.0.1:{port}"
            wait_healthy(board_base)
            r = queue.run(
                queue.board_latency(
                    base,
                    board_base,
                    setup["office"],
                    setup["windows"][:4],
                    BOARD_STREAMS,
                    BOARD_CALLS,
                    0.1,
                )
            )
        finally:
            stop_server(board_server)
        lat = r["latency"]
        row(
            f"queue call -> board event, other process ({r['streams_held']})",
            r["deliveries"] / max(1, BOARD_CALLS * 0.1 + 2),
            lat,
            r["expected"] - r["deliveries"] + r["failures"],
        )
        print(
            f"  {r['streams_held']} of {BOARD_STREAMS} streams held by one process; "
            f"{r['calls']} calls, {r['deliveries']} of {r['expected']} events delivered; "
            f"max {lat.get('max', 0):.1f} ms"
        )


def run_import(env: dict[str, str]) -> None:
    """Import the generated billing file (timed; the readings scenario needs its accounts),
    then what autovacuum would do, and the token the readings scenario submits with."""
    import psycopg

    print(f"manage.py import_billing ({cabinet.ACCOUNTS} generated accounts)", flush=True)
    seconds, line = cabinet.import_accounts(PY, ROOT, env)
    load = os.getloadavg()
    print(
        f"  billing import of {cabinet.ACCOUNTS} accounts: {seconds:.1f} s wall clock "
        f"(target < 60 s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})\n  {line}",
        flush=True,
    )
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        # The import is the night's batch: autovacuum has been through every table it wrote
        # (accounts, meters, bills, payments, readings, audit rows) and a checkpoint has
        # put its pages on the disk before the day's load starts. Without this, autovacuum
        # works through 100,000-row tables during the scenarios that follow and they
        # measure it (the events at 1,000/s went from p99 8 ms to over a second).
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")
    env["BENCH_READINGS_TOKEN"] = issue_token(env, cabinet.READINGS_USER)
    env["BENCH_IMPORT_ACCOUNTS"] = str(cabinet.ACCOUNTS)


def run_paced(
    name: str, base: str, env: dict[str, str], make: paced.Make, rate: float, token: str = ""
) -> None:
    """An open load at ``rate`` (bench/paced.py): latency from each request's due moment."""
    stats = paced.run(base, token or env["BENCH_OKTELL_TOKEN"], make, rate, SECONDS)
    row(f"{name} ({paced.CONNECTIONS})", stats["rate"], stats, stats["errors"])
    print(
        f"  answers {stats['statuses']}; the client fell behind its schedule by at most "
        f"{stats['late_start_ms']:.1f} ms"
    )


def main() -> None:
    wrk = ensure_wrk()
    env = dict(
        os.environ,
        DATABASE_URL=DB_URL,
        ABONENT_RATE_LIMITS="off",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="abonent.settings",
        **cabinet.SERVER_ENV,
    )
    prepare_database(env)
    env["BENCH_OKTELL_TOKEN"] = issue_token(env, "oktell")
    env["BENCH_RUN"] = str(int(time.time()))  # call and session ids unique per run
    if selected("cabinet import") or selected(READINGS.name):
        run_import(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, WORKERS)
    try:
        wait_healthy(base)
        wait_all_workers(server, WORKERS)
        print(
            f"\nAbonent on PostgreSQL, {WORKERS} uvicorn workers (abonent.serve); "
            f"wrk {THREADS} threads, {SECONDS}s per scenario\n"
        )
        print(
            f"{'scenario (connections)':55} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        for scenario in SCENARIOS:
            if not selected(scenario.name):
                continue
            s = run_scenario(wrk, base, scenario, env)
            errors = int(s.get("non_2xx", 0) + s.get("socket_errors", 0))
            print(
                f"{f'{scenario.name} ({scenario.connections})':55} {s.get('rps', 0):9.0f} {s.get('p50', 0):8.2f} "
                f"{s.get('p95', 0):8.2f} {s.get('p99', 0):8.2f} {errors:7d}",
                flush=True,
            )
        run_queue(base, env)
        if selected("ivr callers"):
            result = queue.run(
                callers.ivr_callers(
                    base, env["BENCH_OKTELL_TOKEN"], env["BENCH_RUN"], IVR_CALLERS, SECONDS
                )
            )
            stats = callers.summary(result, SECONDS)
            row(
                f"IVR steps, {IVR_CALLERS} callers a key a second each ({IVR_CALLERS})",
                stats["rate"],
                stats,
                sum(result.errors.values()),
            )
            if result.errors:
                print(f"  refused: {result.errors}")
        if selected(EVENTS.name):
            make = paced.pbx_event(env["BENCH_RUN"])
            run_paced(
                f"telephony events at {EVENTS_RATE:.0f}/s, paced", base, env, make, EVENTS_RATE
            )
            print("  " + check_calls(env["BENCH_RUN"]))
            print("  " + check_calls(env["BENCH_RUN"], "paced"))
        if selected(READINGS.name):
            make = paced.reading(cabinet.ACCOUNTS)
            run_paced(
                f"cabinet readings at {READINGS_RATE:.0f}/s, paced",
                base,
                env,
                make,
                READINGS_RATE,
                token=env["BENCH_READINGS_TOKEN"],
            )
            load = os.getloadavg()
            print(f"  {cabinet.readings_summary(DB_URL)}; load average {load[0]:.2f} {load[1]:.2f}")
        if selected("register"):
            print("\n" + check_numbers())
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
