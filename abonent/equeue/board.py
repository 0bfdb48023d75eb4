"""The display board's data and its live stream (Q-4).

* ``snapshot(office)`` — what a board shows: today's calls (ticket number, window number,
  time; newest first), how many wait, and whether the office is open now / when it opens.
  Ticket numbers and window numbers only, nothing about the consumers. Two queries: the
  office and its hours come from a per-process copy (``office_info``).
* ``stream`` — ``GET /api/v1/queue/offices/{office}/board/stream`` (text/event-stream,
  public): on connect ``retry: 3000`` and ``event: board`` (the snapshot); then for every
  step in the office ``event: step`` (the bus payload, ticket numbers only; steps a board
  does not show — priorities, disputes — only as ``{"action": "changed"}``), for calls and
  recalls also ``event: call`` ``{"number", "window", "at", "recall"}``, and a fresh
  ``event: board``; every 15 s a ``: ping`` comment and an ``event: ping`` (``{}``), which
  the pages' watchdog (live.js) listens to.

Scale: every server process keeps ONE ``OfficeFeed`` per office that has open streams. The
feed holds the single bus subscription of that office, computes the snapshot once per
event (in a worker thread) and hands the same encoded bytes to every connected client's
queue — the database work per event does not depend on how many boards are connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.core import hours
from abonent.core.errors import RateLimited
from abonent.core.lib import bus
from abonent.core.lib.ratelimit import limit_request
from abonent.core.lib.snapshot import Snapshot
from abonent.core.models import Office, Schedule, ScheduleException
from abonent.core.schedules import effective_hours, status_of
from abonent.equeue import events, services
from abonent.equeue.models import Status, Ticket
from abonent.workdays.services import get_calendar

log = logging.getLogger(__name__)

BOARD_CALLS = 8  # the tickets being called and the last calls before them
PING_SECONDS = 15.0
RETRY_MS = 3000
# With streams open, the snapshot is recomputed this often even without events (the office
# opens or closes, the day changes) and sent when it differs.
REFRESH_SECONDS = 60.0
# A client that has this many unsent chunks is too slow: its stream is closed, its
# EventSource reconnects and starts again from a fresh snapshot.
CLIENT_BACKLOG = 64
# What of a step's bus payload goes to the public stream (ticket numbers only).
STEP_FIELDS = ("action", "ticket", "number", "status", "service", "window", "at")
# The steps a board shows (issue #5 review, 10). Any other step (a priority given, a
# dispute opened or settled) goes out as a bare ``{"action": "changed"}``: the staff pages
# listening to this public stream refresh, and nobody learns which ticket got a priority.
PUBLIC_STEPS = frozenset(
    {
        "issued",
        "called",
        "recalled",
        "started",
        "finished",
        "no_show",
        "transferred",
        "cancelled",
    }
)
BARE_CHANGE = {"action": "changed"}
CALL_ACTIONS = {"called": False, "recalled": True}


# ------------------------------------------------------------------------- the snapshot


@dataclass(frozen=True)
class OfficeInfo:
    pk: int
    code: str
    name_ru: str
    name_kk: str
    hours: hours.Hours | None


def _load_office(code: str) -> OfficeInfo | None:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        return None
    return OfficeInfo(
        pk=office.pk,
        code=office.code,
        name_ru=office.name_ru,
        name_kk=office.name_kk or office.name_ru,
        hours=effective_hours(office),
    )


_OFFICES: Snapshot[str, OfficeInfo | None] = Snapshot(
    _load_office, watch=(Office, Schedule, ScheduleException)
)


def office_info(code: str) -> OfficeInfo | None:
    """An active office by code with its opening hours (kept per process, see Snapshot)."""
    return _OFFICES.get(code)


def snapshot(office: OfficeInfo, at: datetime | None = None) -> dict[str, Any]:
    """The board of ``office`` at ``at`` (default: the queue's clock): 2 queries."""
    at = at or services.now()
    today = timezone.localdate(at)
    calls = (
        Ticket.objects.filter(
            office_id=office.pk,
            day=today,
            status__in=[Status.CALLED, Status.SERVING],
            called_at__isnull=False,
            window__isnull=False,
        )
        .order_by("-called_at")
        .values_list("number", "window__number", "called_at")[:BOARD_CALLS]
    )
    waiting = Ticket.objects.filter(office_id=office.pk, day=today, status=Status.WAITING).count()
    st = status_of(office.hours, at, get_calendar(around=timezone.localdate(at)))
    return {
        "office": office.code,
        "calling": [
            {"number": number, "window": window, "called_at": called_at}
            for number, window, called_at in calls
        ],
        "waiting": waiting,
        "open_now": st.open_now,
        "next_open": st.next_open,
    }


def to_json(data: Any) -> str:
    """JSON the way the API writes it (DjangoJSONEncoder: ISO times in UTC with "Z")."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def frame(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {to_json(data)}\n\n".encode()


# A comment for proxies, and a named event the page's script sees (EventSource never passes
# comments on): live.js closes and reopens a stream silent for 40 s (a half-open connection).
PING = b": ping\n\nevent: ping\ndata: {}\n\n"
RETRY = f"retry: {RETRY_MS}\n\n".encode()

# Snapshots are computed here, one at a time, off the event loop.
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="abonent-board")


def _snapshot_in_thread(code: str) -> dict[str, Any] | None:
    try:
        office = office_info(code)
        return snapshot(office) if office is not None else None
    finally:
        if not connection.in_atomic_block:
            connection.close()  # back to the pool: this thread is not a request thread


async def compute(code: str) -> dict[str, Any] | None:
    fn = sync_to_async(_snapshot_in_thread, thread_sensitive=False, executor=_EXECUTOR)
    return await fn(code)


def step_frames(payload: dict[str, Any]) -> bytes:
    """``step`` (and for calls ``call``) frames of one bus payload."""
    if payload.get("action") not in PUBLIC_STEPS:
        return frame("step", BARE_CHANGE)
    step = {k: payload[k] for k in STEP_FIELDS if k in payload}
    out = frame("step", step)
    action = payload.get("action")
    if action in CALL_ACTIONS and payload.get("window") is not None:
        call = {
            "number": payload.get("number"),
            "window": payload.get("window"),
            "at": payload.get("at"),
            "recall": CALL_ACTIONS[str(action)],
        }
        out += frame("call", call)
    return out


# ------------------------------------------------------------------------- the feed


class OfficeFeed:
    """One office's live board in this process: one bus subscription, one snapshot per
    event, the same bytes to every client."""

    def __init__(self, office: OfficeInfo) -> None:
        self.office = office
        self.loop = asyncio.get_running_loop()
        self.clients: set[asyncio.Queue[bytes | None]] = set()
        self.snapshots = 0  # computed (tests and diagnostics)
        self._board: bytes | None = None
        self._board_data: str | None = None
        self._board_at = 0.0
        self._lock = asyncio.Lock()
        self._subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def join(self) -> asyncio.Queue[bytes | None]:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(CLIENT_BACKLOG)
        self.clients.add(queue)
        if self._task is None or self._task.done():
            self._subscribed.clear()
            self._task = self.loop.create_task(self._run(), name=f"board-{self.office.code}")
        await self._subscribed.wait()
        return queue

    def leave(self, queue: asyncio.Queue[bytes | None]) -> None:
        self.clients.discard(queue)
        if not self.clients:
            if self._task is not None:
                self._task.cancel()
                self._task = None
            if FEEDS.get(self.office.pk) is self:
                del FEEDS[self.office.pk]

    async def board(self) -> bytes:
        """The current ``board`` frame: shared, computed at most once at a time."""
        if self._board is not None and time.monotonic() - self._board_at < REFRESH_SECONDS:
            return self._board
        return await self.refresh()

    async def refresh(self, asked: float | None = None) -> bytes:
        asked = time.monotonic() if asked is None else asked
        async with self._lock:
            if self._board is not None and self._board_at >= asked:
                return self._board  # computed meanwhile, after the change that asked
            started = time.monotonic()
            data = await compute(self.office.code)
            self.snapshots += 1
            if data is None:  # the office was closed down meanwhile
                data = {"office": self.office.code, "calling": [], "waiting": 0}
                data |= {"open_now": False, "next_open": None}
            self._board_data = to_json(data)
            self._board = f"event: board\ndata: {self._board_data}\n\n".encode()
            self._board_at = started
            return self._board

    def broadcast(self, chunk: bytes) -> None:
        for queue in list(self.clients):
            if queue.full():  # too slow: close it, it reconnects to a fresh snapshot
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)
                self.clients.discard(queue)
            else:
                queue.put_nowait(chunk)

    async def _run(self) -> None:
        try:
            async with bus.subscribe(events.channel(self.office.pk)) as incoming:
                self._subscribed.set()
                await self._pump(incoming)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("board feed of %s failed", self.office.code)
            for queue in list(self.clients):  # the clients reconnect and start afresh
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)
            self.clients.clear()
        finally:
            self._subscribed.set()  # never leave a joining client waiting

    async def _pump(self, incoming: AsyncIterator[dict[str, Any]]) -> None:
        pending: asyncio.Future[dict[str, Any]] | None = None
        last_ping = time.monotonic()
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(anext(incoming))
                timeout = max(0.0, last_ping + PING_SECONDS - time.monotonic())
                done, _ = await asyncio.wait({pending}, timeout=timeout)
                if not done:
                    last_ping = time.monotonic()
                    chunk = PING
                    if (
                        self._board is not None  # else the first one is being computed
                        and time.monotonic() - self._board_at >= REFRESH_SECONDS
                    ):
                        before = self._board_data
                        board = await self.refresh()
                        if self._board_data != before:
                            chunk += board
                    self.broadcast(chunk)
                    continue
                batch = [pending.result()]
                pending = None
                # A burst (many windows calling at once) gets one snapshot.
                while True:
                    pending = asyncio.ensure_future(anext(incoming))
                    await asyncio.sleep(0)
                    if not pending.done():
                        break
                    batch.append(pending.result())
                    pending = None
                asked = time.monotonic()
                chunk = b"".join(step_frames(p) for p in batch if p.get("action") != "resync")
                self.broadcast(chunk + await self.refresh(asked))
        finally:
            if pending is not None:
                pending.cancel()


FEEDS: dict[int, OfficeFeed] = {}


def feed_for(office: OfficeInfo) -> OfficeFeed:
    feed = FEEDS.get(office.pk)
    if feed is None or feed.loop is not asyncio.get_running_loop():
        feed = FEEDS[office.pk] = OfficeFeed(office)
    return feed


async def _client(office: OfficeInfo) -> AsyncIterator[bytes]:
    feed = feed_for(office)  # looked up and joined with no await between: never orphaned
    queue = await feed.join()
    try:
        yield RETRY + await feed.board()
        while True:
            chunk = await queue.get()
            if chunk is None:
                return
            if chunk:
                yield chunk
    finally:
        feed.leave(queue)


def _open_office(request: HttpRequest, code: str) -> OfficeInfo | None:
    was_open = connection.connection is not None
    try:
        limit_request(request, "queue-board-stream", limit=600, window_seconds=60)
        return office_info(code)
    finally:
        # The stream outlives this thread's part of the request: give the connection back
        # now rather than whenever this thread next finishes a request.
        if not was_open and not connection.in_atomic_block:
            connection.close()


async def stream(request: HttpRequest, office: str) -> HttpResponseBase:
    """GET /api/v1/queue/offices/{office}/board/stream — see the module docstring."""
    if request.method != "GET":
        return JsonResponse(
            {"code": "method_not_allowed", "message": _("Method not allowed.")}, status=405
        )
    if not isinstance(request, ASGIRequest):
        # A WSGI server (manage.py runserver) would buffer an endless stream for ever: say
        # so at once; the page's EventSource stops and it polls the JSON board instead.
        return JsonResponse(
            {"code": "stream_unavailable", "message": _("Live updates need the ASGI server.")},
            status=503,
        )
    try:
        info = await sync_to_async(_open_office)(request, office)
    except RateLimited as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    if info is None:
        return JsonResponse({"code": "not_found", "message": _("Unknown office.")}, status=404)
    response = StreamingHttpResponse(_client(info), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def close_feeds() -> None:
    """Stop this loop's feeds (tests; a server stops with its loop)."""
    for feed in list(FEEDS.values()):
        if feed.loop is asyncio.get_running_loop() and feed._task is not None:
            feed._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feed._task
    FEEDS.clear()
