"""The personal cabinet's benchmarks (issue #7, Speed): a generated billing file of
``BENCH_IMPORT_ACCOUNTS`` accounts (100,000) imported with ``manage.py import_billing`` and
timed (target: under 60 s), then readings through ``POST /api/v1/readings`` (target: 500/s,
p99 under 100 ms) over those accounts.

Every reading the scenario sends is valid whatever the date: the bench server's window is the
whole month (``ABONENT_READINGS_WINDOW_FIRST_DAY=1``, ``_LAST_DAY=31``, see ``SERVER_ENV``),
each sample meter has a billing reading for last month (``sample.sample_reading``), and the
Lua script sends a value a little above it (the same formula), from the contact-centre
operator's token with source ``contact_center``. A meter hit twice in a month gets its reading
replaced, which is valid too. So every non-201 answer is a refusal worth looking at."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

ACCOUNTS = int(os.environ.get("BENCH_IMPORT_ACCOUNTS", "100000"))
READINGS_USER = os.environ.get("BENCH_READINGS_USER", "cc_operator")
SERVER_ENV = {"ABONENT_READINGS_WINDOW_FIRST_DAY": "1", "ABONENT_READINGS_WINDOW_LAST_DAY": "31"}


def last_month(today: date) -> str:
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def import_accounts(py: str, root: Path, env: dict[str, str]) -> tuple[float, str]:
    """Generate and import the billing file; (wall-clock seconds of the import command, its
    last line)."""
    from abonent.cabinet.sample import write_sample_csv

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        write_sample_csv(f, accounts=ACCOUNTS, reading_period=last_month(date.today()))
        path = f.name
    try:
        started = time.monotonic()
        out = subprocess.run(
            [py, "manage.py", "import_billing", path, "--progress-every", "25000"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seconds = time.monotonic() - started
    finally:
        os.unlink(path)
    done = [line for line in out.splitlines() if line.startswith("Done in")]
    return seconds, done[-1] if done else out.strip()[-300:]


def readings_summary(db_url: str) -> str:
    """What the readings scenario stored, by status (to compare with wrk's 2xx count)."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM cabinet_reading WHERE source = 'contact_center' "
            "GROUP BY status ORDER BY status"
        ).fetchall()
        audits = conn.execute(
            "SELECT action, count(*) FROM core_auditentry WHERE action LIKE 'reading.%%' "
            "GROUP BY action ORDER BY action"
        ).fetchall()
    stored = ", ".join(f"{s} {n}" for s, n in rows) or "none"
    audited = ", ".join(f"{a} {n}" for a, n in audits) or "none"
    return f"readings stored over the API: {stored}; audit rows: {audited}"


READINGS_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_READINGS_TOKEN")
wrk.path = "/api/v1/readings"
local accounts = tonumber(os.getenv("BENCH_IMPORT_ACCOUNTS") or "100000")
local counter = 0
local offset = 0
local threads = 0
-- setup runs in wrk's main state and sets the global `thread_no` in each thread's state.
setup = function(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end
init = function(args)
  offset = (thread_no or 0) * 7919
end
request = function()
  counter = counter + 1
  local n = (offset + counter * 13) % accounts + 1
  local value = 100 + n % 900 + 1 + n % 7
  local body = string.format('{"account":"9%09d","meter":"M%09d","value":"%d","source":"contact_center"}', n, n, value)
  return wrk.format(nil, nil, nil, body)
end
"""
