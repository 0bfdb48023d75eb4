"""A year of contact-centre and queue history in the benchmark's database, before the day's
load.

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

The same holds for the electronic queue (Q-4): every office serves a few hundred consumers
a day, and every press of call-next asks about the window's and the office's tickets and
steps; the day's tickets are a thin layer on a year of served ones.

The rows are written by SQL (``generate_series``), shaped as the PBX's events, the IVR's
steps and the queue's tickets and steps store them; their ids (``hist-…``) and days (before
today) never meet the scenarios' own."""

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


# The demo offices' windows with a service each; every past day, the office's tickets go
# round its windows, one in twenty did not come, one in fifteen had priority.
TICKETS_SQL = """
WITH windows AS (
    SELECT w.office_id, array_agg(w.id ORDER BY w.id) AS ids,
        array_agg(ws.service_id ORDER BY w.id) AS services
    FROM core_window w
    JOIN LATERAL (SELECT min(service_id) AS service_id FROM core_window_services
                  WHERE window_id = w.id) ws ON ws.service_id IS NOT NULL
    GROUP BY w.office_id),
tickets AS (
    INSERT INTO equeue_ticket (office_id, service_id, day, seq, number, status, priority,
        window_id, target_window_id, employee_id, issued_at, called_at, started_at,
        finished_at, comment, issued_by_id)
    SELECT o.office_id, o.services[1 + mod(k, cardinality(o.ids))], t.day, k,
        'H' || lpad(k::text, 3, '0'), CASE WHEN mod(k, 20) = 0 THEN 'no_show' ELSE 'done' END,
        CASE WHEN mod(k, 15) = 0 THEN 'elderly' ELSE 'none' END,
        o.ids[1 + mod(k, cardinality(o.ids))], NULL, NULL, t.at, t.at + interval '6 min',
        CASE WHEN mod(k, 20) = 0 THEN NULL ELSE t.at + interval '7 min' END,
        CASE WHEN mod(k, 20) = 0 THEN NULL ELSE t.at + interval '19 min' END, '', NULL
    FROM windows o
    CROSS JOIN generate_series(1, 365) d
    CROSS JOIN generate_series(1, %(per_day)s) k
    CROSS JOIN LATERAL (SELECT (current_date - d)::date AS day,
        (current_date - d) + time '03:00' + k * (interval '9 hours' / %(per_day)s) AS at) t
    RETURNING id, window_id, priority, status, called_at, started_at, finished_at)
INSERT INTO equeue_ticketevent (ticket_id, at, action, window_id, actor_id, note,
    from_service_id, to_service_id, from_window_id, to_window_id, priority)
SELECT t.id, e.at, e.action, t.window_id, NULL, '', NULL, NULL, NULL, NULL, t.priority
FROM tickets t
CROSS JOIN LATERAL (VALUES ('called', t.called_at), ('started', t.started_at),
                           ('finished', t.finished_at),
                           ('no_show', CASE WHEN t.status = 'no_show' THEN t.called_at
                                       + interval '3 min' END)) e(action, at)
WHERE e.at IS NOT NULL
"""


def load_queue(db_url: str, tickets: int) -> str:
    """About ``tickets`` served tickets of the past year in the offices with windows (their
    calls, starts, finishes and no-shows as steps); returns a line for the benchmark's log."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT office_id) FROM core_window w "
            "JOIN core_window_services ws ON ws.window_id = w.id"
        ).fetchone()
        offices = row[0] if row else 0
        per_day = max(1, tickets // (365 * max(1, offices)))
        steps = conn.execute(TICKETS_SQL, {"per_day": per_day}).rowcount
    written = per_day * 365 * offices
    return f"history: {written} past tickets in {offices} offices with {steps} steps"


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
