"""PBX times (review 2 items 2 and 10): year 1 and year 9999 are refused as ``invalid_time``
(not an overflow, a 500), as are moments before 2000, more than two days ahead of our
clock, and a date without a time (it would become local midnight)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from abonent.calls.models import Call
from abonent.calls.rules import BadTime, parse_pbx_time
from abonent.calls.tests.conftest import TUESDAY_10_AWARE, Clock

URL = "/api/v1/telephony/events"
ASTANA = ZoneInfo("Asia/Almaty")


def post_json(client: Client, token: str, at: str) -> Any:
    body = {"event": "call.started", "call_id": "T1", "at": at, "phone": "87011234567"}
    return client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01 00:00:00",
        "01.01.0001 00:00:00",
        "9999-12-31T23:59:59-05:00",
        "1999-12-31T23:59:59+00:00",
        "2026-03-17",
    ],
)
def test_parse_refuses_impossible_or_partial_times(raw: str) -> None:
    with pytest.raises(BadTime):
        parse_pbx_time(raw, ASTANA)


def test_parse_refuses_a_moment_too_far_ahead_of_now() -> None:
    now = datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
    assert parse_pbx_time("2026-03-19T09:59:00+05:00", ASTANA, now=now) == datetime(
        2026, 3, 19, 4, 59, tzinfo=UTC
    )
    with pytest.raises(BadTime):
        parse_pbx_time("2026-03-19T10:01:00+05:00", ASTANA, now=now)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01 00:00:00",
        "01.01.0001 00:00:00",
        "9999-12-31T23:59:59-05:00",
        "2026-03-17",
    ],
)
def test_the_api_answers_invalid_time_and_stores_nothing(
    client: Client, pbx_token: str, at: str
) -> None:
    response = post_json(client, pbx_token, at)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_time"
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_the_api_takes_a_time_up_to_two_days_ahead_only(
    client: Client, pbx_token: str, clock: Clock
) -> None:
    ahead = (TUESDAY_10_AWARE + timedelta(days=3)).isoformat()
    assert post_json(client, pbx_token, ahead).json()["code"] == "invalid_time"
    assert Call.objects.count() == 0
    near = (TUESDAY_10_AWARE + timedelta(days=1)).isoformat()
    assert post_json(client, pbx_token, near).status_code == 201
    assert Call.objects.get().call_id == "T1"
