"""Fixed-window rate limits per client, kept in the shared cache (Redis when CACHE_URL is
set, so several processes share the counters). ``ABONENT_RATE_LIMITS=off`` disables them."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from abonent.core.errors import RateLimited


def client_ip(request: HttpRequest) -> str:
    hops = settings.ABONENT_TRUSTED_PROXY_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(chain) >= hops:
            return str(chain[-hops])
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one request; raise RateLimited (429) once ``limit`` is passed in the window.
    ``limit`` and ``window_seconds`` are the scope's defaults; the setting
    ABONENT_RATE_LIMIT_OVERRIDES (env ``ABONENT_RATE_LIMIT_OVERRIDES="book-entry=120/3600"``)
    changes them per scope, e.g. for a busy office's kiosk."""
    if not settings.ABONENT_RATE_LIMITS:
        return
    limit, window_seconds = settings.ABONENT_RATE_LIMIT_OVERRIDES.get(
        scope, (limit, window_seconds)
    )
    bucket = int(time.time() // window_seconds)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    added = cache.add(cache_key, 1, timeout=window_seconds + 1)
    count = 1 if added else cache.incr(cache_key)
    if count > limit:
        retry = window_seconds - int(time.time()) % window_seconds
        raise RateLimited(
            _("Too many requests. Please try again in %(s)s seconds.") % {"s": retry},
            extra={"retry_after": retry},
        )


def limit_request(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> None:
    hit(scope, client_ip(request), limit=limit, window_seconds=window_seconds)
