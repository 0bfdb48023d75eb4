"""The supervisor's figures (issue #6, point 5): GET /api/v1/calls/stats and
/staff/calls/supervisor/ — exact values from SQL aggregates in a fixed number of queries;
with the voice menu's figures (CC-3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.tests.conftest import ASTANA, TUESDAY_10, Clock
from abonent.calls.tests.fake_oktell import FakeOktell

Bearer = Callable[[str], dict[str, str]]
Post = Callable[..., Any]


@pytest.fixture
def day(pbx: FakeOktell, clock: Clock, post_outcome: Post) -> None:
    """Tuesday: 10:00 answered (talk 95 s), 10:30 answered (talk 45 s), 11:15 answered (talk
    200 s), 11:40 missed; Monday: one answered call. Outcomes: answered/charges, callback/
    charges due Wed 10:00, abuse. One older callback (from Monday) is due Tue 10:00."""
    calls = [("T-1", 0, 95), ("T-2", 30, 45), ("T-3", 75, 200)]
    for chain, minutes, talk in calls:
        pbx.answered_call(phone="87011234567", operator="201", talk=talk,
                          start=TUESDAY_10 + timedelta(minutes=minutes), chain_id=chain)  # fmt: skip
    pbx.missed_call(phone="87011234567", start=TUESDAY_10 + timedelta(minutes=100))
    pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10 - timedelta(days=1),
                      chain_id="M-1")  # fmt: skip
    clock.set(datetime(2026, 3, 16, 10, 5, tzinfo=ASTANA))
    post_outcome("M-1", {"outcome": "callback", "topic": "documents_works",
                         "callback_at": "2026-03-17T10:00:00+05:00"})  # fmt: skip
    clock.set(datetime(2026, 3, 17, 12, 0, tzinfo=ASTANA))
    post_outcome("T-1", {"outcome": "answered", "topic": "charges", "answer": "Долг."})
    post_outcome("T-2", {"outcome": "callback", "topic": "charges",
                         "callback_at": "2026-03-18T10:00:00+05:00"})  # fmt: skip
    post_outcome("T-3", {"outcome": "abuse", "warning_given": True})


def test_the_days_figures(
    client: Client, day: None, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    headers = bearer("senior_operator")
    client.get("/api/v1/calls/stats", **headers)  # the token's once-a-minute touch
    # token, roles, per hour, per topic, callbacks; the IVR's sessions, nodes, hang-ups
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/calls/stats", **headers)  # default: today (the clock's)
    assert r.status_code == 200
    assert r.json() == {
        "date_from": "2026-03-17",
        "date_to": "2026-03-17",
        "calls": 4,
        "answered": 3,
        "answered_share": 0.75,
        "average_handling_seconds": 113,  # (95 + 45 + 200) / 3
        "per_hour": [{"hour": 10, "calls": 2, "answered": 2},
                     {"hour": 11, "calls": 2, "answered": 1}],
        "per_topic": {"contract_terms": 0, "hot_water_readings": 0, "disconnection": 0,
                      "charges": 2, "appeals": 0, "documents_works": 0, "other": 0},
        "outcomes": {"answered": 1, "callback": 1, "abuse": 1, "complaint": 0, "passed": 0},
        "callbacks_due": 1,  # Monday's, due Tuesday 10:00 and still open…
        "callbacks_overdue": 1,  # …so overdue at 12:00
        "abuse_terminations": 1,
        "ivr": {"sessions": 0, "self_served": 0, "transferred": 0, "abandoned": 0,
                "ended": 0, "in_progress": 0, "readings_accepted": 0,
                "self_service_share": None, "nodes": {}, "abandoned_at": {}},
    }  # fmt: skip


def test_a_period(client: Client, day: None, bearer: Bearer) -> None:
    r = client.get("/api/v1/calls/stats?date_from=2026-03-16&date_to=2026-03-18",
                   **bearer("head"))  # fmt: skip
    body = r.json()
    assert (body["calls"], body["answered"], body["answered_share"]) == (5, 4, 0.8)
    assert body["per_topic"]["documents_works"] == 1
    assert (body["callbacks_due"], body["callbacks_overdue"]) == (2, 1)


def test_an_empty_period_has_no_averages(client: Client, day: None, bearer: Bearer) -> None:
    body = client.get("/api/v1/calls/stats?date_from=2026-03-10", **bearer("manager")).json()
    assert (body["calls"], body["answered_share"], body["average_handling_seconds"]) == (
        0, None, None
    )  # fmt: skip
    assert body["per_hour"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [("date_from=2026-03-18&date_to=2026-03-17", "invalid_period"),
     ("date_from=2025-01-01&date_to=2026-03-17", "period_too_long"),
     ("date_from=yesterday", "validation_error")],
)  # fmt: skip
def test_bad_periods_are_422(
    client: Client, day: None, bearer: Bearer, query: str, code: str
) -> None:
    r = client.get(f"/api/v1/calls/stats?{query}", **bearer("head"))
    assert (r.status_code, r.json()["code"]) == (422, code)


@pytest.mark.parametrize("username", ["cc_operator", "cashier", "oktell", "chancellery"])
def test_only_supervisors(client: Client, day: None, bearer: Bearer, username: str) -> None:
    assert client.get("/api/v1/calls/stats", **bearer(username)).status_code == 403


def test_the_page(client: Client, day: None, django_assert_max_num_queries: Any) -> None:
    client.force_login(get_user_model().objects.get(username="senior_operator"))
    # session, user, roles, three aggregates, three of the IVR, the staff menu's profile.
    with django_assert_max_num_queries(10):
        r = client.get("/staff/calls/supervisor/")
    body = r.content.decode()
    assert r.status_code == 200
    assert '<strong id="f-calls">4</strong>' in body
    assert '<strong id="f-answered">3 (75%)</strong>' in body
    assert '<strong id="f-aht">113</strong>' in body
    assert '<strong id="f-overdue">1</strong>' in body
    assert '<strong id="f-abuse">1</strong>' in body
    assert "<td>11:00</td><td>2</td><td>1</td>" in body
    assert '<strong id="ivr-sessions">0</strong>' in body


def test_the_page_refuses_an_operator(client: Client, day: None) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    assert client.get("/staff/calls/supervisor/").status_code == 403


def test_the_voice_menus_paths_and_hang_ups(client: Client, day: None, bearer: Bearer) -> None:
    from abonent.calls.ivr.models import IvrSession, IvrStep, Outcome

    at = datetime(2026, 3, 17, 10, 0, tzinfo=ASTANA)
    paths = {"S-1": (["root", "main", "info_hours"], Outcome.SELF_SERVED),
             "S-2": (["root", "main", "operator"], Outcome.TRANSFERRED),
             "S-3": (["root", "main"], Outcome.ABANDONED)}  # fmt: skip
    for sid, (nodes, outcome) in paths.items():
        session = IvrSession.objects.create(
            session_id=sid, started_at=at, outcome=outcome, node_code=nodes[-1]
        )
        for seq, node in enumerate(nodes, 1):
            IvrStep.objects.create(session=session, seq=seq, at=at, node_code=node,
                                   result="ok", action="collect")  # fmt: skip
    ivr = client.get("/api/v1/calls/stats", **bearer("head")).json()["ivr"]
    assert ivr == {"sessions": 3, "self_served": 1, "transferred": 1, "abandoned": 1,
                   "ended": 0, "in_progress": 0, "readings_accepted": 0,
                   "self_service_share": 0.3333,
                   "nodes": {"info_hours": 1, "main": 3, "operator": 1, "root": 3},
                   "abandoned_at": {"main": 1}}  # fmt: skip
