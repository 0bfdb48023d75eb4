"""What the lanes' tests share (core/lane.py): a request as the ASGI server hands it over,
a lane offered a request, and a request through the whole ASGI application."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from django.db import connection

from abonent.core.lane import POOL

# Every lane test: PostgreSQL only (there are no lanes elsewhere), committed data (a lane
# reads through connections of its own), the lanes' pool closed afterwards.
LANE_TESTS = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.usefixtures("lane_pool_closed"),
]

Handler = Callable[[dict[str, Any], bytes, Any], Awaitable[bool]]


def lane_scope(
    path: str, token: str, content_type: bytes | None = b"application/json", **extra: bytes
) -> dict[str, Any]:
    """A POST to ``path`` with the bearer token; ``extra`` headers by name (``_`` for
    ``-``); the host is ``testserver`` unless given."""
    headers = [(b"authorization", f"Bearer {token}".encode())]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    extra.setdefault("host", b"testserver")
    headers += [(name.replace("_", "-").encode(), value) for name, value in extra.items()]
    return {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": b""}


def lane_offer(
    handler: Handler, request: dict[str, Any], body: bytes = b""
) -> tuple[bool, list[dict[str, Any]]]:
    """What the lane does with the request: (answered, the ASGI messages it sent)."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> bool:
        try:
            return await handler(request, body, send)
        finally:
            await POOL.close()

    return asyncio.run(run()), sent


async def through_application(
    request: dict[str, Any], body: bytes | list[bytes]
) -> tuple[int, bytes]:
    """The request through the ASGI application, lanes and Django: (status, body). A list
    of bodies: the body in as many messages."""
    from abonent.asgi import application

    chunks = body if isinstance(body, list) else [body]
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {**request, "http_version": "1.1", "raw_path": request["path"].encode()}
    scope |= {"scheme": "http", "server": ("testserver", 80), "client": ("127.0.0.1", 1)}
    scope |= {"root_path": "", "asgi": {"version": "3.0"}}
    await application(scope, receive, send)
    return int(sent[0]["status"]), b"".join(m.get("body", b"") for m in sent[1:])


def run_through_application(requests: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``requests`` (a coroutine function using ``through_application``) in an event
    loop, then close the lanes' pool and the request threads' database connections."""
    from django.db import connections

    from abonent.asgi import EXECUTOR

    async def run() -> Any:
        try:
            return await requests()
        finally:
            await POOL.close()

    try:
        return asyncio.run(run())
    finally:
        for _ in range(4):
            EXECUTOR.submit(connections.close_all).result()
