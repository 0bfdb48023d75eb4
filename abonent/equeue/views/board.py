"""Pages of the electronic queue: the main display board (Главное табло, Q-4).

``/queue/<office>/board/`` is a standalone full-screen page for a hall TV: the tickets
being called with their window numbers, the last calls before them, how many wait, the
clock and the office's name; "closed — opens at ..." outside hours. Every label is shown
in both Kazakh and Russian at once (the page's own language first), because one screen
serves the whole hall; calls are announced by a chime and speech in Russian, then Kazakh.

The page is rendered with the current snapshot and kept live by ``equeue/live.js`` (the
office's event stream, polling the JSON board while the stream is down) and
``equeue/board.js`` (drawing, highlighting, announcements).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from abonent.core.errors import RateLimited
from abonent.core.lib.ratelimit import limit_request
from abonent.equeue import board as board_data

# How many calls are drawn large ("now calling"); the rest of the snapshot is "recent".
CALLING_BIG = 4
SPEECH_LANGUAGES = ("ru", "kk")

LABELS = {
    "title": _("Display board"),
    "now_calling": _("Now calling"),
    "recent": _("Recent calls"),
    "ticket": _("Ticket"),
    "window": _("Window"),
    "waiting": _("Waiting in line"),
    "nobody": _("Nobody is being called yet"),
    "closed": _("The office is closed"),
    "opens_at": _("Opens at %(when)s"),
    "live": _("Live"),
    "polling": _("Connection lost: updating every few seconds"),
    "connecting": _("Connecting…"),
    "enable_sound": _("Enable sound"),
    "sound_on": _("Sound is on"),
}
SPEECH = _("Ticket %(number)s, window %(window)s")


def board_languages() -> list[str]:
    """The page's language first, then Kazakh or Russian (the hall reads both)."""
    current = (translation.get_language() or "ru").split("-")[0]
    other = "kk" if current != "kk" else "ru"
    return [current, other]


def _labels(languages: list[str]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for key, text in LABELS.items():
        out[key] = []
        for lang in languages:
            with translation.override(lang):
                out[key].append({"lang": lang, "text": str(text)})
    return out


def _opens(next_open: datetime | None, languages: list[str]) -> list[dict[str, str]]:
    if next_open is None:
        return []
    when = timezone.localtime(next_open).strftime("%d.%m %H:%M")
    out = []
    for lang in languages:
        with translation.override(lang):
            out.append({"lang": lang, "text": str(LABELS["opens_at"]) % {"when": when}})
    return out


def _speech() -> list[dict[str, str]]:
    out = []
    for lang in SPEECH_LANGUAGES:
        with translation.override(lang):
            out.append({"lang": lang, "text": str(SPEECH)})
    return out


# Several TVs of a hall (and a building's other screens) may share one NAT address.
PAGE_LIMIT = 600


def _too_many(request: HttpRequest, err: RateLimited) -> HttpResponse:
    """429 with Retry-After; the page reloads itself after that many seconds (a TV must
    come back by itself)."""
    retry = int(str(err.extra.get("retry_after", 60)))
    response = render(
        request,
        "equeue/board/too_many.html",
        {"message": str(err.message), "retry": retry},
        status=429,
    )
    response["Retry-After"] = str(retry)
    add_never_cache_headers(response)
    return response


@require_GET
def board_page(request: HttpRequest, office: str) -> HttpResponse:
    try:
        limit_request(request, "queue-board-page", limit=PAGE_LIMIT, window_seconds=60)
    except RateLimited as err:
        return _too_many(request, err)
    info = board_data.office_info(office[:32])
    if info is None:
        raise Http404
    snap = board_data.snapshot(info)
    languages = board_languages()
    names = {"ru": info.name_ru, "kk": info.name_kk}
    api_board = reverse("api-v1:board", kwargs={"office": info.code})
    response = render(
        request,
        "equeue/board/board.html",
        {
            "office": info,
            "office_names": [
                {"lang": lang, "text": names.get(lang, info.name_ru)} for lang in languages
            ],
            "snap": snap,
            "big": snap["calling"][:CALLING_BIG],
            "recent": snap["calling"][CALLING_BIG:],
            "labels": _labels(languages),
            "opens": _opens(snap["next_open"], languages),
            "board_config": {
                "snapshot": snap,
                "labels": _labels(languages),
                "speech": _speech(),
                "big": CALLING_BIG,
            },
            "stream_url": reverse("queue-board-stream", kwargs={"office": info.code}),
            "poll_url": api_board,
        },
    )
    add_never_cache_headers(response)
    return response


urlpatterns: list[URLPattern] = [
    path("queue/<slug:office>/board/", board_page, name="board"),
]
