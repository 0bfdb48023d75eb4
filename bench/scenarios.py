"""Benchmark scenarios. Each is a wrk Lua script body run against the live server; later
issues append theirs to SCENARIOS."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.cabinet import READINGS_LUA


@dataclass(frozen=True)
class Scenario:
    name: str
    lua: str  # a wrk script: sets wrk.method/headers/body and/or defines request()
    connections: int = 32
    threads: int | None = None  # wrk threads; None: BENCH_THREADS
    # Run 3 s unmeasured first: every server process loads its templates, per-process
    # snapshots and prepared statements on its first requests, which production does once
    # a start. Writing scenarios' warm-ups use their own ids (BENCH_RUN + "0").
    warm_up: bool = False


DEADLINE = Scenario(
    name="calendar deadline (GET /api/v1/calendar/deadline)",
    lua="""
math.randomseed(42)
request = function()
  local y = 2024 + math.random(0, 2)
  local m = math.random(1, 12)
  local d = math.random(1, 28)
  local path
  if math.random() < 0.5 then
    path = string.format("/api/v1/calendar/deadline?start=%04d-%02d-%02d&working_days=%d", y, m, d, math.random(1, 30))
  else
    path = string.format("/api/v1/calendar/deadline?start=%04d-%02d-%02d&calendar_days=%d", y, m, d, math.random(1, 60))
  end
  return wrk.format("GET", path)
end
""",
)

CALENDAR_DAY = Scenario(
    name="calendar day (GET /api/v1/calendar/days/{date})",
    lua="""
math.randomseed(7)
request = function()
  local path = string.format("/api/v1/calendar/days/%04d-%02d-%02d", 2024 + math.random(0, 2), math.random(1, 12), math.random(1, 28))
  return wrk.format("GET", path)
end
""",
)

STAFF_HEADER = """
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
"""

JOURNAL = Scenario(
    name="journal page, 50 rows (GET /api/v1/appeals)",
    lua=STAFF_HEADER
    + """
math.randomseed(3)
local paths = {
  "/api/v1/appeals?limit=50",
  "/api/v1/appeals?limit=50&status=assigned&department=sales",
  "/api/v1/appeals?limit=50&overdue=true",
  "/api/v1/appeals?limit=50&channel=post",
  "/api/v1/appeals?limit=50&cursor=2025.120000",
}
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
""",
    connections=8,
)

CONTROL = Scenario(
    name="control view (GET /api/v1/appeals-control)",
    lua=STAFF_HEADER
    + """
wrk.path = "/api/v1/appeals-control"
""",
    connections=8,
)

REGISTER = Scenario(
    name="register appeal, public form (POST /api/v1/appeals)",
    lua="""
math.randomseed(11)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/api/v1/appeals"
local texts = {
  "Прошу сделать перерасчёт начислений за горячую воду за октябрь, показания передавал вовремя.",
  "Счёт за электроэнергию пришёл на чужое имя, прошу переоформить лицевой счёт на меня.",
  "Жылу үшін төлем екі рет есептелген, қайта есептеуді сұраймын.",
}
request = function()
  local n = math.random(1, 200000)
  local body = string.format('{"channel":"web","kind":"complaint","applicant":{"type":"individual","last_name":"Иванов","first_name":"Иван","email":"user%d@example.kz","phone":"+7701%07d"},"text":"%s"}', n, n, texts[math.random(1, #texts)])
  return wrk.format(nil, nil, nil, body)
end
""",
    connections=16,
)


READINGS = Scenario(
    name="cabinet readings (POST /api/v1/readings)",
    lua=READINGS_LUA,  # see bench/cabinet.py: every request is a valid reading
    connections=int(os.environ.get("BENCH_READINGS_CONNECTIONS", "32")),
    warm_up=True,
)


OKTELL_HEADER = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_OKTELL_TOKEN")
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
"""

# Each call sends started, answered, ended (the PBX's order); one request in ten repeats the
# previous event, as a PBX retrying after a timeout does. Call ids are unique per run.
EVENTS = Scenario(
    name="telephony events from the PBX (POST /api/v1/telephony/events)",
    lua=OKTELL_HEADER
    + """
wrk.path = "/api/v1/telephony/events"
local n = 0
local kinds = {"call.started", "call.answered", "call.ended"}
local last = nil
request = function()
  if last ~= nil and math.random(1, 10) == 1 then
    return wrk.format(nil, nil, nil, last)
  end
  n = n + 1
  local call = math.floor((n - 1) / 3)
  local kind = kinds[(n - 1) % 3 + 1]
  local at = os.date("!%Y-%m-%dT%H:%M:%S+00:00")  -- the PBX reports events as they happen
  last = string.format('{"event":"%s","call_id":"bench-%s-%d-%d","phone":"+7701%07d","at":"%s","operator":"cc_operator"}',
    kind, os.getenv("BENCH_RUN"), tid, call, call % 10000000, at)
  return wrk.format(nil, nil, nil, last)
end
""",
    connections=32,
    warm_up=True,
)

# One wrk thread per connection, so the steps of a session go in order: language, main menu,
# reference information, the contact centre's hours; then the next session.
IVR = Scenario(
    name="IVR steps (POST /api/v1/ivr/step)",
    lua=OKTELL_HEADER
    + """
wrk.path = "/api/v1/ivr/step"
local inputs = {"", "1", "1", "1"}
local n = 0  -- steps answered so far: wrk calls request() once more than it sends (a check)
request = function()
  local session = math.floor(n / #inputs)
  local seq = n % #inputs + 1
  local body = string.format('{"session":"bench-%s-%d-%d","caller":"+77011234567","input":"%s","seq":%d}',
    os.getenv("BENCH_RUN"), tid, session, inputs[seq], seq)
  return wrk.format(nil, nil, nil, body)
end
response = function(status, headers, body)
  n = n + 1
end
""",
    connections=8,
    threads=8,
    warm_up=True,
)


# The public website's main pages on the demo data (#9: each under 100 ms server time):
# one connection per server process, so the latency is the pages' own time, not a queue.
SITE = Scenario(
    name="website pages (GET /, /offices/, /faq/, /tariffs/, /individuals/)",
    lua="""
local paths = {"/", "/offices/", "/faq/", "/faq/?q=%D1%81%D1%87%D0%B5%D1%82", "/tariffs/",
               "/individuals/", "/legal-entities/", "/payment/"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1])
end
""",
    connections=2,
    warm_up=True,
)


SCENARIOS: list[Scenario] = [
    DEADLINE,
    CALENDAR_DAY,
    JOURNAL,
    CONTROL,
    REGISTER,
    READINGS,
    EVENTS,
    IVR,
    SITE,
]
