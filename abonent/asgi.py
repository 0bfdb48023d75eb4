"""The ASGI entry point.

Django's stock ASGI handler runs every sync middleware hook and sync view through
``sync_to_async`` in a new per-request thread: about 40 thread hops per request, which cost
more than the request itself (measured: 6.7 ms against 0.6 ms for the same request under
WSGI). This handler builds the middleware chain in sync mode and runs a request — its
request_started signal, the middleware and view, and for an ordinary response also its
close() with request_finished (which hands the database connection back to the pool) — in
one hop on the shared executor. Every further hop between the event loop and a thread costs
a GIL hand-over, which is what a loaded 2-core server spends its time on.

Async views — the SSE streams — still work: Django adapts them with ``async_to_sync``, and
a streaming body is consumed in the event loop while a disconnect listener stops it when the
client goes away, as in Django's own handler; it is closed afterwards.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")


# Threads per process that run requests' sync code. Few on purpose: with the GIL, more
# threads only stretch each request (and any row lock it holds) without adding throughput;
# add processes (WORKERS) for more throughput instead.
THREADS = int(os.environ.get("ABONENT_THREADS", "2"))
# How long a thread may keep the GIL while another waits (Python's default: 5 ms). A request
# holding the journal counter's row lock must not wait that long for the interpreter while
# the other request thread computes; 1 ms keeps lock holders moving (measured by make bench).
sys.setswitchinterval(int(os.environ.get("ABONENT_SWITCH_INTERVAL_US", "1000")) / 1e6)
EXECUTOR = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="abonent-request")


# The largest body a lane reads (the lanes' requests are smaller).
LANE_MAX_BYTES = 16 * 1024


Lane = Callable[[Any, bytes, Any], Awaitable[bool]]


@functools.cache
def _lanes() -> tuple[dict[str, Lane], Callable[[str], int | None], Lane] | None:
    """The lanes by path, and call-next's (whose path holds the window); None on a database
    that has none (not PostgreSQL). Once per process, after django.setup(): the lanes import
    models."""
    from django.db import connections

    from abonent.cabinet import lane as readings
    from abonent.calls import lane as events
    from abonent.calls.ivr import lane as ivr
    from abonent.equeue import lane as queue

    if connections["default"].vendor != "postgresql":
        return None
    by_path: dict[str, Lane] = {
        events.PATH: events.post_event,
        ivr.PATH: ivr.post_step,
        readings.PATH: readings.post_reading,
    }
    return by_path, queue.window_of, queue.post_call_next


def _lane(scope: Any) -> Lane | None:
    """The lane that may answer this request in the event loop (PostgreSQL only)."""
    if scope["method"] != "POST":
        return None
    lanes = _lanes()
    if lanes is None or not settings.ABONENT_PBX_LANE:  # PostgreSQL, and the lanes on
        return None
    by_path, window_of, call_next = lanes
    path = scope["path"]
    found = by_path.get(path)
    if found is None and window_of(path) is not None:
        found = call_next
    return found


async def _lane_body(receive: Any) -> tuple[list[Any], bytes | None]:
    """The request's messages read so far, and its body when it ends within one byte over
    the lanes' limit (None: the request is the operation's — a longer body, or a
    disconnect, which Django's reading of the messages then meets)."""
    messages, size = [], 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > LANE_MAX_BYTES:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(m.get("body", b"") for m in messages)


def _replay(messages: list[Any], receive: Any) -> Callable[[], Awaitable[Any]]:
    """``receive`` that first gives back ``messages``."""
    pending = list(messages)

    async def replayed() -> Any:
        return pending.pop(0) if pending else await receive()

    return replayed


class AbonentASGIHandler(ASGIHandler):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # No per-request ThreadSensitiveContext: it starts new threads for every request
        # only to run the request signals. Requests' own work goes to the shared executor.
        if scope["type"] != "http":
            raise ValueError(f"Abonent serves HTTP only, not {scope['type']}")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        lane = _lane(scope)
        if lane is not None:
            # The PBX's events and IVR steps, readings and call-next by token: in the loop
            # when the lane can (core/lane.py), with the body as bytes (no temporary file).
            # A longer body than the lane's limit is the operation's (413).
            messages, body = await _lane_body(receive)
            if body is not None and await lane(scope, body, send):
                return
            receive = _replay(messages, receive)  # Django reads the same messages
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        response = await sync_to_async(self._serve, thread_sensitive=False, executor=EXECUTOR)(
            scope, body_file
        )
        if not response.streaming:
            await self.send_response(response, send)
            return
        try:
            async with asyncio.TaskGroup() as tg:
                listener = tg.create_task(self.listen_for_disconnect(receive))
                await self.send_response(response, send)
                listener.cancel()
        except* RequestAborted:
            pass
        finally:
            await sync_to_async(response.close, thread_sensitive=False, executor=EXECUTOR)()

    def _serve(self, scope: Any, body_file: IO[bytes]) -> HttpResponseBase:
        with closing(body_file):
            signals.request_started.send(sender=self.__class__, scope=scope)
            request, error_response = self.create_request(scope, body_file)
            response = self.get_response(request) if request is not None else error_response
            assert response is not None  # create_request gives a request or an error response
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
            if not response.streaming:
                response.close()  # request_finished: the connection goes back to the pool
                if request is not None:
                    _release(request)
            return response


def _release(request: Any) -> None:
    """Drop what a finished request holds. A request sits in reference cycles (its message
    storage, session, lazy user and CSP nonce point back at it), so it and everything it
    reaches — its URL match with the list of every pattern tried, the headers, the user —
    wait for the garbage collector: about 90 objects per request, which made a collection
    of 1–8 ms run every second or so in a busy process, in the middle of whatever the event
    loop was answering (#5: call-next presses). With its attributes gone the cycles are
    broken and reference counting frees them at once. Only after the response is closed:
    nothing reads the request after that (the answer goes out from the response alone)."""
    request.__dict__.clear()


def get_application() -> AbonentASGIHandler:
    import gc

    import django

    django.setup(set_prefix=False)
    handler = AbonentASGIHandler()
    # The URL configuration imports the API (its schemas and operations) and the lanes on
    # first use: load them now, so that they are frozen below with the rest.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URL configuration)
    _lane({"method": "POST", "path": "/"})
    # Everything loaded so far (Django, the apps, the URL and template machinery) lives as
    # long as the process: keep it out of the collector's full passes, which otherwise walk
    # it again and again and pause requests for tens of milliseconds.
    gc.freeze()
    return handler


application = get_application()
