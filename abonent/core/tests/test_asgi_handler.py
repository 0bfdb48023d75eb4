"""The ASGI application (abonent.asgi) serves sync views in one thread hop and async views
too; it is what `make serve` and `make bench` run."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any

import pytest
from django.http import HttpRequest, StreamingHttpResponse
from django.test import override_settings
from django.urls import path

from abonent.asgi import AbonentASGIHandler
from abonent.urls import urlpatterns as real_patterns


async def _ticks(request: HttpRequest) -> StreamingHttpResponse:
    async def stream() -> Any:
        for i in range(3):
            await asyncio.sleep(0)
            yield f"data: {i}\n\n"

    return StreamingHttpResponse(stream(), content_type="text/event-stream")


urlpatterns = [*real_patterns, path("test-ticks", _ticks)]


def _call(app: AbonentASGIHandler, path_: str, headers: list[tuple[bytes, bytes]] | None = None):
    messages: list[dict[str, Any]] = []

    async def run() -> None:
        first = True

        async def receive() -> dict[str, Any]:
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": path_,
            "query_string": b"",
            "headers": [(b"host", b"testserver"), *(headers or [])],
            "scheme": "http",
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 5000),
            "http_version": "1.1",
            "root_path": "",
        }
        await app(scope, receive, send)

    asyncio.run(run())
    status = messages[0]["status"]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return status, body


@pytest.mark.django_db(transaction=True)
def test_sync_views_answer_through_the_asgi_app() -> None:
    app = AbonentASGIHandler()
    status, body = _call(app, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, body = _call(app, "/api/v1/calendar/days/2026-03-23")
    assert status == 200
    assert json.loads(body)["reason"] == "holiday"


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_async_streaming_views_still_stream() -> None:
    status, body = _call(AbonentASGIHandler(), "/test-ticks")
    assert status == 200
    assert body == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"


@pytest.mark.django_db(transaction=True)
def test_a_finished_api_request_leaves_nothing_to_the_garbage_collector(
    demo: None, token_for: Any
) -> None:
    """#5: a request sits in reference cycles (its messages, session, lazy user, CSP nonce),
    so it and everything it reaches waited for the garbage collector, whose passes paused
    the event loop's other requests (an operator's start and finish between call-next
    presses). Once the response is closed the handler breaks the cycles, and reference
    counting frees the request at once — with and without a session cookie or a token."""
    app = AbonentASGIHandler()
    bearer = [(b"authorization", f"Bearer {token_for('chancellery')}".encode())]
    calls = [("/api/v1/calendar/days/2026-03-23", []), ("/api/v1/appeals", bearer)]
    for path_, headers in calls:  # the code paths warmed
        assert _call(app, path_, headers)[0] == 200
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage
    try:
        statuses = [_call(app, path_, headers)[0] for path_, headers in calls]
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, HttpRequest)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert statuses == [200, 200]
    assert left == []
