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
)


SCENARIOS: list[Scenario] = [DEADLINE, CALENDAR_DAY, JOURNAL, CONTROL, REGISTER, READINGS]
