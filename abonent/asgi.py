"""The ASGI entry point.

Django's stock ASGI handler runs every sync middleware hook and sync view through
``sync_to_async`` in a new per-request thread: about 40 thread hops per request, which cost
more than the request itself (measured: 6.7 ms against 0.6 ms for the same request under
WSGI). This handler builds the middleware chain in sync mode and runs it in one hop on the
shared executor, closing the thread's database connection (back to the pool) afterwards.
Async views — the SSE streams — still work: Django adapts them with ``async_to_sync``, and
their streaming bodies are consumed by the ASGI handler in the event loop.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")


# Threads per process that run requests' sync code. Few on purpose: with the GIL, more
# threads only stretch each request (and any row lock it holds) without adding throughput;
# add processes (WORKERS) for more throughput instead.
THREADS = int(os.environ.get("ABONENT_THREADS", "2"))
EXECUTOR = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="abonent-request")


class AbonentASGIHandler(ASGIHandler):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # No per-request ThreadSensitiveContext: it starts new threads for every request
        # only to run the request signals. Requests' own work goes to the shared executor.
        if scope["type"] != "http":
            raise ValueError(f"Abonent serves HTTP only, not {scope['type']}")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self._respond, thread_sensitive=False, executor=EXECUTOR)(
            request
        )

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        close_old_connections()
        try:
            return self.get_response(request)
        finally:
            close_old_connections()


def get_application() -> AbonentASGIHandler:
    import django

    django.setup(set_prefix=False)
    return AbonentASGIHandler()


application = get_application()
