"""A raw ASGI client for the board's event stream: runs the real ASGI application
(abonent.asgi.AbonentASGIHandler) in the running event loop and parses text/event-stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from django.db import connection

from abonent.asgi import AbonentASGIHandler


async def in_thread(fn: Any, /, **kwargs: Any) -> Any:
    """Run a service in a worker thread (as a request would) and give its connection back."""

    def run() -> Any:
        try:
            return fn(**kwargs)
        finally:
            connection.close()

    return await asyncio.to_thread(run)


class Stream:
    def __init__(self, app: AbonentASGIHandler, path: str) -> None:
        self.app, self.path = app, path
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = b""
        self.items: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._buf = b""
        self._started = asyncio.Event()
        self._gone = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Stream:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._started.wait(), 20)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._gone.set()
        assert self._task is not None
        await asyncio.wait_for(self._task, 20)

    async def _run(self) -> None:
        first = True

        async def receive() -> dict[str, Any]:
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": b"", "more_body": False}
            await self._gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
                self._started.set()
            elif message["type"] == "http.response.body":
                self.body += message.get("body", b"")
                self._parse(message.get("body", b""))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "method": "GET",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "headers": [(b"host", b"testserver"), (b"accept", b"text/event-stream")],
            "scheme": "http",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 5000),
            "http_version": "1.1",
            "root_path": "",
        }
        await self.app(scope, receive, send)

    def _parse(self, chunk: bytes) -> None:
        self._buf += chunk
        while b"\n\n" in self._buf:
            block, self._buf = self._buf.split(b"\n\n", 1)
            event, data = "message", []
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    self.items.put_nowait(("comment", line[1:].strip()))
                elif line.startswith("retry:"):
                    self.items.put_nowait(("retry", int(line[6:])))
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
            if data:
                self.items.put_nowait((event, json.loads("\n".join(data))))

    async def next(self, timeout: float = 15) -> tuple[str, Any]:
        return await asyncio.wait_for(self.items.get(), timeout)

    async def next_event(self, timeout: float = 15) -> tuple[str, Any]:
        """The next event, skipping pings and retry lines."""
        while True:
            kind, data = await self.next(timeout)
            if kind not in {"comment", "retry", "ping"}:
                return kind, data
