"""A year of contact-centre history in the benchmark's database, before the day's load.

A working platform's call log and IVR log are never empty: the contact centre answers
hundreds of calls a day (CC-4 keeps the log; CC-3's IVR greets most callers). Starting the
telephony and IVR scenarios on empty tables measures something no installation meets after
its first hour: PostgreSQL caches the generic plan of a statement (and of each foreign-key
check) once per connection, built with the statistics of that moment. Analysed while the
tables were empty, those plans scan the whole table, and keep doing so while the table grows
to thousands of rows in a few seconds, until autovacuum next analyses it — which in a busy run
may be a minute away (the events at 1,000/s went from p99 under 30 ms to seconds, with
PostgreSQL's CPU per event three times as high). So the benchmark loads a plausible past
first, as `generate_appeals` does for the registry, and the planner sees real tables.

The rows are written by SQL (``generate_series``), shaped as the PBX's events and the IVR's
steps store them; their ids (``hist-…``) never meet the scenarios' own."""

from __future__ import annotations

CALLS_SQL = """
INSERT INTO calls_call (call_id, direction, phone, phone_rank, operator_login, operator_rank,
    operator_id, started_at, answered_at, ended_at, recorded, recording_ref, recording_at,
    retained_for_appeal, created_at)
SELECT 'hist-' || n, CASE WHEN mod(n, 9) = 0 THEN 'out' ELSE 'in' END,
    '+7701' || lpad(mod(n::bigint * 7919, 10000000)::text, 7, '0'), 0,
    CASE WHEN mod(n, 6) = 0 THEN '' ELSE 'cc_operator' END, CASE WHEN mod(n, 6) = 0 THEN 9 ELSE 1 END,
    NULL, s, CASE WHEN mod(n, 6) = 0 THEN NULL ELSE s + interval '20 s' END,
    s + (60 + mod(n, 400)) * interval '1 s', mod(n, 6) <> 0, '', NULL, false, s
FROM (SELECT n, now() - interval '365 days' + n * (interval '365 days' / %(calls)s) AS s
      FROM generate_series(1, %(calls)s) n) g
"""

EVENTS_SQL = """
INSERT INTO calls_callevent (call_id, event, at, payload, source, received_at, received_by_id)
SELECT c.call_id, e.event, e.at,
    jsonb_build_object('at', e.at, 'event', e.event, 'phone', c.phone, 'call_id', c.call_id,
                       'operator', c.operator_login),
    'api', e.at, NULL
FROM calls_call c
CROSS JOIN LATERAL (VALUES ('call.started', c.started_at), ('call.answered', c.answered_at),
                           ('call.ended', c.ended_at)) e(event, at)
WHERE c.call_id LIKE 'hist-%' AND e.at IS NOT NULL
"""

SESSIONS_SQL = """
INSERT INTO ivr_ivrsession (session_id, caller, language, node_code, state, last_seq, failures,
    served, started_at, ended_at, outcome, transfer_to)
SELECT 'hist-ivr-' || n, '+7702' || lpad(mod(n::bigint * 104729, 10000000)::text, 7, '0'),
    CASE WHEN mod(n, 3) = 0 THEN 'kk' ELSE 'ru' END, 'main', '{}'::jsonb, 4, 0, true, s,
    s + interval '50 s',
    (ARRAY['self_served', 'transferred', 'abandoned', 'ended'])[1 + mod(n, 4)],
    CASE WHEN mod(n, 4) = 1 THEN 'operator' ELSE '' END
FROM (SELECT n, now() - interval '365 days' + n * (interval '365 days' / %(sessions)s) AS s
      FROM generate_series(1, %(sessions)s) n) g
"""

STEPS_SQL = """
INSERT INTO ivr_ivrstep (session_id, seq, at, node_code, input, result, action, status, response)
SELECT s.id, k, s.started_at + k * interval '10 s',
    (ARRAY['root', 'main', 'info', 'hours'])[k], (ARRAY['', '1', '2', '1'])[k], 'ok', 'collect',
    200, jsonb_build_object('seq', k, 'action', 'collect', 'prompt', 'history')
FROM ivr_ivrsession s CROSS JOIN generate_series(1, 4) k
WHERE s.session_id LIKE 'hist-ivr-%'
"""


def load(db_url: str, calls: int, sessions: int) -> str:
    """Write ``calls`` past calls (with their events) and ``sessions`` past IVR sessions
    (four steps each); returns a line for the benchmark's log."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(CALLS_SQL, {"calls": calls})
        events = conn.execute(EVENTS_SQL).rowcount
        conn.execute(SESSIONS_SQL, {"sessions": sessions})
        steps = conn.execute(STEPS_SQL).rowcount
    return (
        f"history: {calls} past calls with {events} events, "
        f"{sessions} past IVR sessions with {steps} steps"
    )
