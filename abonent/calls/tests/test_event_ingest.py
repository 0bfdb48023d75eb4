"""POST /api/v1/telephony/events (CC-4): one call per PBX call id, idempotent per (call_id,
event), the call derived from the set of its events whatever their order."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.models import Call, CallEvent
from abonent.calls.tests.conftest import TUESDAY_10

URL = "/api/v1/telephony/events"


def post(client: Client, token: str, **body: str) -> object:
    return client.post(URL, body, HTTP_AUTHORIZATION=f"Bearer {token}")


def post_json(client: Client, token: str, body: object) -> object:
    return client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


EVENTS = {
    "call.started": {"at": "2026-03-17T10:00:00+05:00", "phone": "8 701 123-45-67"},
    "call.answered": {"at": "2026-03-17T10:00:20+05:00", "operator": "201"},
    "call.ended": {"at": "2026-03-17T10:01:55+05:00"},
    "recording.ready": {"at": "2026-03-17T10:03:00+05:00", "recording_url": "2026/03/17/a.wav"},
}


def state(call: Call) -> dict[str, object]:
    call.refresh_from_db()
    return {
        "status": call.status,
        "phone": call.phone,
        "direction": call.direction,
        "operator_login": call.operator_login,
        "operator": call.operator.get_username() if call.operator else None,
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "duration": call.duration,
        "recording_ref": call.recording_ref,
        "recorded": call.recorded,
    }


EXPECTED = {
    "status": "completed",
    "phone": "+77011234567",
    "direction": "in",
    "operator_login": "201",
    "operator": "cc_operator",
    "started_at": datetime(2026, 3, 17, 5, 0, tzinfo=UTC),
    "answered_at": datetime(2026, 3, 17, 5, 0, 20, tzinfo=UTC),
    "ended_at": datetime(2026, 3, 17, 5, 1, 55, tzinfo=UTC),
    "duration": 95,
    "recording_ref": "2026/03/17/a.wav",
    "recorded": True,
}


def test_a_full_call_in_order(client: Client, pbx_token: str) -> None:
    for event, body in EVENTS.items():
        r = post(client, pbx_token, event=event, call_id="C-1", **body)
        assert r.status_code == 201, r.content
    assert r.json() == {
        "call_id": "C-1",
        "status": "completed",
        "direction": "in",
        "phone": "+77011234567",
        "operator": "201",
        "started_at": "2026-03-17T05:00:00Z",
        "answered_at": "2026-03-17T05:00:20Z",
        "ended_at": "2026-03-17T05:01:55Z",
        "duration": 95,
        "recorded": True,
        "recording": True,
        "duplicate": False,
    }
    assert state(Call.objects.get()) == EXPECTED
    assert CallEvent.objects.filter(call_id="C-1").count() == 4


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)))
def test_every_order_of_delivery_gives_the_same_call(
    client: Client, pbx_token: str, order: tuple[str, ...]
) -> None:
    for event in order:
        assert (
            post(client, pbx_token, event=event, call_id="C-1", **EVENTS[event]).status_code == 201
        )
    assert state(Call.objects.get()) == EXPECTED


def test_a_replay_returns_200_with_the_stored_state_and_changes_nothing(
    client: Client, pbx_token: str
) -> None:
    for event, body in EVENTS.items():
        post(client, pbx_token, event=event, call_id="C-1", **body)
    before = state(Call.objects.get())
    events_before = list(CallEvent.objects.values_list("id", "event", "at", "payload"))
    # The same events again, even with other data: the first delivery stands.
    r = post(client, pbx_token, event="call.started", call_id="C-1",
             at="2026-03-17T09:00:00+05:00", phone="87770000000")  # fmt: skip
    assert r.status_code == 200
    assert r.json()["duplicate"] is True
    assert r.json()["started_at"] == "2026-03-17T05:00:00Z"
    assert r.json()["phone"] == "+77011234567"
    r = post(client, pbx_token, event="call.answered", call_id="C-1",
             at="2026-03-17T10:05:00+05:00", operator="999")  # fmt: skip
    assert r.status_code == 200
    assert state(Call.objects.get()) == before
    assert list(CallEvent.objects.values_list("id", "event", "at", "payload")) == events_before


def test_answered_after_ended_is_still_a_completed_call(client: Client, pbx_token: str) -> None:
    post(client, pbx_token, event="call.ended", call_id="C-2", at="2026-03-17T10:01:00+05:00")
    r = post(client, pbx_token, event="call.answered", call_id="C-2",
             at="2026-03-17T10:00:30+05:00", operator="unknown-7")  # fmt: skip
    assert r.json()["status"] == "completed"
    call = Call.objects.get(call_id="C-2")
    assert (call.duration, call.operator_login, call.operator_id) == (30, "unknown-7", None)


def test_a_call_ended_before_an_answer_is_missed(client: Client, pbx_token: str) -> None:
    post(client, pbx_token, event="call.started", call_id="C-3", at="2026-03-17 10:00:00",
         phone="7011234567")  # fmt: skip
    r = post(client, pbx_token, event="call.ended", call_id="C-3", at="2026-03-17 10:00:45")
    assert r.json()["status"] == "missed"
    assert r.json()["duration"] is None
    # Oktell's local time without an offset is taken in Asia/Almaty (UTC+5).
    assert Call.objects.get(call_id="C-3").started_at == datetime(2026, 3, 17, 5, 0, tzinfo=UTC)


def test_a_recording_before_any_other_event_creates_a_pending_shell(
    client: Client, pbx_token: str
) -> None:
    r = post(client, pbx_token, event="recording.ready", call_id="C-4",
             at="2026-03-17T10:03:00+05:00", recording_url="http://oktell.local/rec/C-4.wav")  # fmt: skip
    assert r.status_code == 201
    assert r.json()["status"] == "pending"
    r = post(client, pbx_token, event="call.started", call_id="C-4",
             at="2026-03-17T10:00:00+05:00", phone="+77011234567")  # fmt: skip
    assert r.json()["status"] == "ringing"
    call = Call.objects.get(call_id="C-4")
    assert call.at == datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
    assert call.recording_ref == "http://oktell.local/rec/C-4.wav"


def test_json_bodies_are_taken_too(client: Client, pbx_token: str) -> None:
    r = post_json(client, pbx_token, {"event": "call.started", "call_id": "J-1",
                                      "at": "2026-03-17T10:00:00+05:00", "phone": "+77011234567",
                                      "direction": "out"})  # fmt: skip
    assert r.status_code == 201
    assert Call.objects.get(call_id="J-1").direction == "out"


def test_the_operator_is_matched_to_a_user_by_login(client: Client, pbx_token: str) -> None:
    post(client, pbx_token, event="call.answered", call_id="C-5", at="2026-03-17 10:00:00",
         operator="cc_operator")  # fmt: skip
    call = Call.objects.get(call_id="C-5")
    assert call.operator == get_user_model().objects.get(username="cc_operator")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"event": "call.exploded", "call_id": "X", "at": "2026-03-17 10:00:00"},
         "unknown_event", "event"),
        ({"event": "call.started", "call_id": "", "at": "2026-03-17 10:00:00"},
         "invalid_call_id", "call_id"),
        ({"event": "call.started", "call_id": "X" * 65, "at": "2026-03-17 10:00:00"},
         "invalid_call_id", "call_id"),
        ({"event": "call.started", "call_id": "X", "at": "yesterday"}, "invalid_time", "at"),
        ({"event": "call.started", "call_id": "X"}, "invalid_time", "at"),
        ({"event": "call.started", "call_id": "X", "at": "2026-03-17 10:00:00",
          "phone": "call me"}, "invalid_phone", "phone"),
        ({"event": "call.started", "call_id": "X", "at": "2026-03-17 10:00:00",
          "direction": "sideways"}, "invalid_direction", "direction"),
        ({"event": "recording.ready", "call_id": "X", "at": "2026-03-17 10:00:00"},
         "missing_recording", "recording_url"),
        ({"event": "recording.ready", "call_id": "X", "at": "2026-03-17 10:00:00",
          "recording_url": "../../etc/passwd"}, "invalid_recording", "recording_url"),
        ({"event": "recording.ready", "call_id": "X", "at": "2026-03-17 10:00:00",
          "recording_url": "/etc/passwd"}, "invalid_recording", "recording_url"),
    ],
)  # fmt: skip
def test_a_malformed_event_is_422_with_a_code(
    client: Client, pbx_token: str, body: dict[str, str], code: str, field: str
) -> None:
    r = post(client, pbx_token, **body)
    assert r.status_code == 422
    assert r.json()["code"] == code
    assert r.json()["codes"] == {field: code}
    assert list(r.json()["fields"]) == [field]
    assert not Call.objects.exists() and not CallEvent.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]"])
def test_a_broken_json_body_is_422(client: Client, pbx_token: str, raw: str) -> None:
    r = client.post(URL, raw, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {pbx_token}")  # fmt: skip
    assert r.status_code == 422
    assert r.json()["code"] == "bad_json"
    assert not CallEvent.objects.exists()


def test_a_huge_body_is_413(client: Client, pbx_token: str) -> None:
    r = post(client, pbx_token, event="call.started", call_id="X", at="2026-03-17 10:00:00",
             note="x" * 20_000)  # fmt: skip
    assert r.status_code == 413
    assert not CallEvent.objects.exists()


def test_an_event_is_two_statements_after_auth(
    client: Client, pbx_token: str, django_assert_max_num_queries: object
) -> None:
    # Token lookup (+ its once-a-minute touch), roles, transaction, event insert, call upsert.
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        r = post(client, pbx_token, event="call.started", call_id="Q-1",
                 at=TUESDAY_10.isoformat(), phone="87011234567")  # fmt: skip
    assert r.status_code == 201
    # A replay: token, transaction, event insert (nothing), one SELECT of the call (the
    # integration role is remembered for a while).
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        r = post(client, pbx_token, event="call.started", call_id="Q-1",
                 at=TUESDAY_10.isoformat(), phone="87011234567")  # fmt: skip
    assert r.status_code == 200


def test_the_openapi_document_describes_both_body_types(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/telephony/events"]["post"]["requestBody"]["content"]
    assert sorted(body) == ["application/json", "application/x-www-form-urlencoded"]
    assert body["application/json"]["schema"]["required"] == ["event", "call_id", "at"]
