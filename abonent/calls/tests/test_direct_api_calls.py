"""Bearer-token calls of the busiest operations skip the browser's middleware
(core/direct.py) and still answer as before: in the caller's language, refusing NUL
characters, with the same refusals; other requests take the whole chain."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from abonent.core import direct

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/telephony/events"
BAD_EVENT = {"event": "call.nothing", "call_id": "D-1", "at": "2026-03-17T10:00:00+05:00"}


def post(client: Client, token: str, language: str, **extra: str) -> tuple[int, dict[str, str]]:
    answer = client.post(
        EVENTS,
        BAD_EVENT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE=language,
        **extra,
    )
    return answer.status_code, {**answer.json(), "language": answer.headers["Content-Language"]}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_a_refusal_reads_as_through_the_whole_chain(
    client: Client, pbx_token: str, language: str
) -> None:
    direct_answer = post(client, pbx_token, language)
    # A cookie sends the same request through every middleware.
    whole_chain = post(client, pbx_token, language, HTTP_COOKIE="theme=dark")
    assert direct_answer == whole_chain
    assert direct_answer[0] == 422 and direct_answer[1]["language"] == language
    assert direct_answer[1]["code"] == "unknown_event"


def test_a_bad_token_is_refused_as_before(client: Client, calls_demo: None) -> None:
    status, body = post(client, "nonsense", "en")
    assert (status, body["code"]) == (401, "unauthorized")


def test_a_nul_character_is_refused(client: Client, pbx_token: str) -> None:
    answer = client.post(
        EVENTS,
        b'{"event": "call.started", "call_id": "D\\u0000", "at": "2026-03-17T10:00:00+05:00"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pbx_token}",
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_characters")


def test_which_requests_go_straight_to_their_operation() -> None:
    factory = RequestFactory()
    bearer = {"HTTP_AUTHORIZATION": "Bearer abc"}
    assert direct.is_hot(factory.post(EVENTS, **bearer))  # type: ignore[arg-type]
    assert direct.is_hot(factory.post("/api/v1/queue/windows/12/call-next", **bearer))  # type: ignore[arg-type]
    assert direct.is_hot(factory.post("/api/v1/readings", **bearer))  # type: ignore[arg-type]
    assert not direct.is_hot(factory.post(EVENTS))  # no token: a browser's call
    assert not direct.is_hot(factory.get(EVENTS, **bearer))  # type: ignore[arg-type]
    assert not direct.is_hot(factory.post("/api/v1/readings/review", **bearer))  # type: ignore[arg-type]
    with_cookie = factory.post("/api/v1/readings", HTTP_COOKIE="sessionid=x", **bearer)  # type: ignore[arg-type]
    assert not direct.is_hot(with_cookie)
