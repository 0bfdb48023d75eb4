"""Machine calls straight to their API operation: the PBX's events and IVR steps, readings
and call-next sent with a bearer token.

These are the platform's busiest requests (``make bench``): the PBX posts an event for every
change of every call. A request on one of ``HOT_ROUTES`` that carries ``Authorization:
Bearer …`` and no cookie skips the middleware a browser needs — static files, sessions,
CSRF, session users, messages, frame and content-security headers — and the URL resolver's
walk over every pattern, and goes to the same ninja operation, which still authenticates
the token, checks the role, parses, validates and answers exactly as it does for any other
caller. What such a request still gets here, as from the skipped middleware: the language of
its messages (``Accept-Language``, as ``LocaleMiddleware``), the refusal of NUL characters
(``RejectNulMiddleware``) and an anonymous ``request.user`` until the token names one.

Anything else — a browser with its session cookie, a request without a bearer token, any
other path — takes the whole middleware chain as before.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

from abonent.core.middleware import carries_nul, refusal

# (method, path) of the operations served this way. Every one authenticates by token first.
HOT_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("POST", re.compile(r"/api/v1/telephony/events")),
    ("POST", re.compile(r"/api/v1/ivr/step")),
    ("POST", re.compile(r"/api/v1/readings")),
    ("POST", re.compile(r"/api/v1/queue/windows/[0-9]{1,9}/call-next")),
)


def is_hot(request: HttpRequest) -> bool:
    # The header first: every request passes here, and most carry no token.
    if not request.headers.get("Authorization", "").startswith("Bearer ") or request.COOKIES:
        return False
    return any(
        request.method == method and pattern.fullmatch(request.path_info)
        for method, pattern in HOT_ROUTES
    )


@functools.lru_cache(maxsize=1024)
def _resolve(path: str) -> ResolverMatch:
    """The URL configuration does not change while the process runs: a hot path resolves to
    the same operation every time (at most one entry per window for call-next)."""
    return resolve(path)


class DirectApiMiddleware:
    """Placed right after ``SecurityMiddleware``: hot machine calls go from here to their
    operation; everything else continues down the chain."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_hot(request):
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it (DisallowedHost: 400)
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if carries_nul(request):
            response = refusal(request)
        else:
            match = _resolve(request.path_info)
            request.resolver_match = match
            request.user = AnonymousUser()
            response = match.func(request, *match.args, **match.kwargs)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
