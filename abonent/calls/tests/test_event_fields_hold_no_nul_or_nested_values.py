"""POST /api/v1/telephony/events (CC-4, review 2 items 1 and 10): a NUL never reaches the
database (PostgreSQL text and jsonb refuse it: a 500), a documented field is a string or a
whole number, never a nested object."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.api import parse_event
from abonent.calls.ingest import record_event
from abonent.calls.models import Call, CallEvent
from abonent.core.errors import InvalidInput

URL = "/api/v1/telephony/events"
STARTED = {"event": "call.started", "call_id": "X1", "at": "2026-03-17T10:00:00+05:00"}


def post_json(client: Client, token: str, body: Any) -> Any:
    return client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_an_operator_with_a_nul_is_invalid_operator() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_event({**STARTED, "operator": "ab\x00cd"})
    assert refused.value.code == "invalid_operator"
    assert list(refused.value.fields) == ["operator"]


@pytest.mark.django_db
def test_nul_in_payload_keys_and_values_is_dropped_before_the_jsonb(calls_demo: None) -> None:
    data = parse_event({**STARTED, "extra\x00": "v\x00w", "note": "a\x00b"})
    assert data.payload == {**STARTED, "extra": "vw", "note": "ab"}
    pbx = get_user_model().objects.get(username="oktell")
    new, _state = record_event(data, actor=pbx)
    assert new is True
    event = CallEvent.objects.get(call__call_id="X1")
    assert event.payload == {**STARTED, "extra": "vw", "note": "ab"}


@pytest.mark.django_db
def test_a_nul_sent_over_http_is_refused_and_nothing_stored(client: Client, pbx_token: str) -> None:
    response = post_json(client, pbx_token, {**STARTED, "operator": "ab\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    form = client.post(
        URL, {**STARTED, "operator": "ab\x00"}, HTTP_AUTHORIZATION=f"Bearer {pbx_token}"
    )  # multipart/form-data
    assert form.status_code == 400
    assert Call.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("call_id", {"a": 1}), ("call_id", ["X1"]), ("phone", True), ("at", 1.5), ("operator", {})],
)
def test_a_nested_or_odd_value_of_a_documented_field_is_422(
    client: Client, pbx_token: str, field: str, value: Any
) -> None:
    response = post_json(client, pbx_token, {**STARTED, field: value})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == [field]
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_an_integer_call_id_is_taken_and_nested_extras_are_left_out(
    client: Client, pbx_token: str
) -> None:
    body = {**STARTED, "call_id": 12345, "extra": {"deep": [1, 2]}, "line": 7}
    response = post_json(client, pbx_token, body)
    assert response.status_code == 201
    assert response.json()["call_id"] == "12345"
    event = CallEvent.objects.get(call__call_id="12345")
    assert event.payload == {**STARTED, "call_id": "12345", "line": "7"}
