"""The PBX lane (calls/lane.py, #6 speed): on PostgreSQL the ASGI entry point answers a PBX
event in the event loop with one statement — exactly as the API operation answers it — and
leaves every request it cannot answer that way to the operation, having sent nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from abonent.calls import lane
from abonent.calls.models import Call, CallEvent
from abonent.core.models import ApiToken, hash_token
from abonent.core.tests.lanes import (
    LANE_TESTS,
    lane_offer,
    lane_scope,
    run_through_application,
    through_application,
)

pytestmark = LANE_TESTS

URL = "/api/v1/telephony/events"
STARTED = {
    "event": "call.started",
    "call_id": "L-1",
    "phone": "8 701 123 45 67",
    "at": "2026-03-17T10:00:00+05:00",
    "operator": "",
}


def scope(token: str, content_type: bytes = b"application/json", **extra: bytes) -> dict[str, Any]:
    return lane_scope(URL, token, content_type, **extra)


def offer(scope: dict[str, Any], body: bytes) -> tuple[bool, list[dict[str, Any]]]:
    return lane_offer(lane.post_event, scope, body)


def answer(sent: list[dict[str, Any]]) -> tuple[int, dict[str, str], dict[str, Any]]:
    start, body = sent
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, json.loads(body["body"])


@pytest.fixture
def pbx_token(calls_demo: None, token_for: Callable[[str], str]) -> str:
    return token_for("oktell")


def test_a_new_event_and_its_replay_are_answered_as_the_operation_answers(
    client: Client, pbx_token: str
) -> None:
    body = json.dumps(STARTED).encode()
    answered, sent = offer(scope(pbx_token, accept_language=b"kk"), body)
    assert answered
    status, headers, state = answer(sent)
    assert status == 201
    # The same event of another call through Django and the ninja operation.
    other = client.post(
        URL,
        {**STARTED, "call_id": "L-2"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pbx_token}",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert other.status_code == 201
    assert state == {**other.json(), "call_id": "L-1"}
    assert state["phone"] == "+77011234567" and state["duplicate"] is False
    for name in ("Content-Type", "Content-Language", "Vary", "X-Content-Type-Options"):
        assert headers[name.lower()] == other.headers[name], name

    again, sent = offer(scope(pbx_token), body)
    assert again
    status, _headers, replay = answer(sent)
    assert status == 200 and replay == {**state, "duplicate": True}

    event = CallEvent.objects.get(call_id="L-1")
    assert event.received_by is not None and event.received_by.username == "oktell"
    assert event.payload["phone"] == "8 701 123 45 67"
    assert Call.objects.get(call_id="L-1").status == "ringing"
    token = ApiToken.objects.get(user__username="oktell")
    assert token.last_used_at is not None


def test_a_form_body_is_taken_as_oktell_sends_it(pbx_token: str) -> None:
    form = b"event=call.answered&call_id=L-3&at=2026-03-17+10%3A00%3A05&operator=201"
    answered, sent = offer(scope(pbx_token, b"application/x-www-form-urlencoded"), form)
    assert answered
    status, _headers, state = answer(sent)
    assert status == 201 and state["operator"] == "201" and state["status"] == "talking"


@pytest.fixture
def refusals(
    pbx_token: str, token_for: Callable[[str], str]
) -> dict[str, tuple[dict[str, Any], bytes]]:
    good = json.dumps(STARTED).encode()
    staff = token_for("cc_operator")
    admin = get_user_model().objects.create_superuser("root-lane", password="x")
    admin.groups.add(*get_user_model().objects.get(username="oktell").groups.all())
    revoked = token_for("oktell")
    ApiToken.objects.filter(key_hash=hash_token(revoked)).update(revoked_at=timezone.now())
    return {
        "no such token": (scope("nonsense"), good),
        "a staff token": (scope(staff), good),
        "a superuser's token": (scope(token_for("root-lane")), good),
        "a revoked token": (scope(revoked), good),
        "an unknown event": (scope(pbx_token), json.dumps({**STARTED, "event": "x"}).encode()),
        "a bad time": (scope(pbx_token), json.dumps({**STARTED, "at": "soon"}).encode()),
        "a nested value": (scope(pbx_token), json.dumps({**STARTED, "call_id": {}}).encode()),
        "not JSON": (scope(pbx_token), b"{nope"),
        "a JSON list": (scope(pbx_token), b"[]"),
        "a NUL escape": (scope(pbx_token), good.replace(b"L-1", b"L\\u0000")),
        "a NUL in a form": (
            scope(pbx_token, b"application/x-www-form-urlencoded"),
            b"event=call.started&call_id=L%00&at=2026-03-17+10%3A00%3A00",
        ),
        "too large": (scope(pbx_token), json.dumps({**STARTED, "x": "y" * 20_000}).encode()),
        "multipart": (scope(pbx_token, b"multipart/form-data; boundary=x"), b"--x--"),
        "a cookie": (scope(pbx_token, cookie=b"sessionid=abc"), good),
        "no bearer": (
            {**scope(pbx_token), "headers": [(b"content-type", b"application/json")]},
            good,
        ),
    }


def test_every_refusal_is_left_to_the_operation_with_nothing_sent_or_stored(
    refusals: dict[str, tuple[dict[str, Any], bytes]],
) -> None:
    for case, (request, body) in refusals.items():
        answered, sent = offer(request, body)
        assert (answered, sent) == (False, []), case
    assert not CallEvent.objects.exists()
    assert not Call.objects.exists()


def test_the_asgi_application_falls_back_to_the_operation_for_a_refusal(pbx_token: str) -> None:
    async def post(token: str, body: bytes) -> tuple[int, dict[str, Any]]:
        status, content = await through_application(scope(token), body)
        return status, json.loads(content)

    async def requests() -> list[tuple[int, dict[str, Any]]]:
        return [
            await post(pbx_token, json.dumps(STARTED).encode()),
            await post("nonsense", json.dumps(STARTED).encode()),
            await post(pbx_token, json.dumps({**STARTED, "event": "x"}).encode()),
        ]

    (ok, ok_body), (unauthorized, who), (invalid, why) = run_through_application(requests)
    assert (ok, ok_body["call_id"]) == (201, "L-1")
    assert (unauthorized, who["code"]) == (401, "unauthorized")
    assert (invalid, why["code"]) == (422, "unknown_event")
    assert CallEvent.objects.count() == 1


def test_a_body_in_several_messages_is_read_whole_by_the_lane_or_the_operation(
    pbx_token: str,
) -> None:
    """The ASGI entry point reads a lane's body as bytes, across messages; a body the lane
    leaves (here an unknown event) or one longer than the lanes' limit goes on to the
    operation with every message it was sent (#5, #6)."""
    from abonent.asgi import LANE_MAX_BYTES

    event = json.dumps(STARTED).encode()
    unknown = json.dumps({**STARTED, "event": "x"}).encode()
    padded = json.dumps({**STARTED, "call_id": "L-2"}).encode() + b" " * LANE_MAX_BYTES

    async def requests() -> list[tuple[int, bytes]]:
        return [
            await through_application(scope(pbx_token), [event[:10], event[10:30], event[30:]]),
            await through_application(scope(pbx_token), [unknown[:20], unknown[20:]]),
            await through_application(scope(pbx_token), [padded[:100], padded[100:]]),
        ]

    (split, split_body), (left, left_body), (padded_status, padded_body) = run_through_application(
        requests
    )
    assert (split, json.loads(split_body)["call_id"]) == (201, "L-1")
    assert (left, json.loads(left_body)["code"]) == (422, "unknown_event")
    by_operation = Client().post(
        URL, padded, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {pbx_token}"
    )
    assert (padded_status, json.loads(padded_body)) == (413, by_operation.json())
    assert list(Call.objects.values_list("call_id", flat=True)) == ["L-1"]


@pytest.mark.parametrize(("lazily", "expected"), [(True, "off"), (False, "on")])
def test_the_statement_commits_asynchronously_only_when_asked(
    pbx_token: str, lazily: bool, expected: str
) -> None:
    """``ABONENT_PBX_ASYNC_COMMIT``: the statement itself turns ``synchronous_commit`` off
    for its own transaction."""
    from abonent.calls.api import parse_event
    from abonent.calls.ingest import statement_params

    data = parse_event({k: str(v) for k, v in STARTED.items()})
    now = timezone.now()
    event, call = statement_params(data, actor_id=None, source="api", now=now)
    params = [hash_token(pbx_token), "integration", now, now, *event[:-1], *call, data.call_id]
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(lane._sql(lazily), params)
        assert cursor.fetchone() is not None
        cursor.execute("SHOW synchronous_commit")
        setting = cursor.fetchone()
        cursor.execute("COMMIT")
    assert setting == (expected,)


def test_a_token_the_operation_would_refuse_is_left_to_it(pbx_token: str) -> None:
    """Review: ninja's HttpBearer keeps spaces around the token; Django joins repeated
    headers; a query string, a foreign host or another charset are the operation's too."""
    body = json.dumps(STARTED).encode()
    spaced = scope(pbx_token)
    spaced["headers"] = [(b"authorization", f"Bearer  {pbx_token} ".encode())] + [
        h for h in spaced["headers"] if h[0] != b"authorization"
    ]
    twice = scope(pbx_token)
    twice["headers"] = [*twice["headers"], (b"authorization", f"Bearer {pbx_token}".encode())]
    cases = {
        "spaces around the token": spaced,
        "two authorization headers": twice,
        "a query string": {**scope(pbx_token), "query_string": b"x=%00"},
        "a foreign host": scope(pbx_token, host=b"evil.example"),
        "windows-1251": scope(
            pbx_token, b"application/x-www-form-urlencoded; charset=windows-1251"
        ),
    }
    from django.test import override_settings

    with override_settings(ALLOWED_HOSTS=["abonent.example", "testserver"]):
        for case, request in cases.items():
            answered, sent = offer(request, body)
            assert (answered, sent) == (False, []), case
    assert not CallEvent.objects.exists()


def test_a_replay_answers_the_call_as_it_is_now(pbx_token: str) -> None:
    body = json.dumps(STARTED).encode()
    assert offer(scope(pbx_token), body)[0]
    ended = {**STARTED, "event": "call.ended", "at": "2026-03-17T10:01:00+05:00"}
    assert offer(scope(pbx_token), json.dumps(ended).encode())[0]
    answered, sent = offer(scope(pbx_token), body)
    status, _headers, state = answer(sent)
    assert answered and status == 200
    assert state["ended_at"] == "2026-03-17T05:01:00Z" and state["duplicate"] is True
