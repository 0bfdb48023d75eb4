"""Site-wide request guards.

``RejectNulMiddleware`` — PostgreSQL text cannot hold the NUL character: a NUL that reaches
a query ends in ``DataError`` (a 500) wherever a view forgets to check. So no request with
a NUL gets that far: one in the path, the query string, a form field (name or value) or a
JSON/text body (a raw NUL byte or a ``\\u0000`` escape) is refused here with 400 — JSON
``{"code": "invalid_characters", "message": ...}`` under ``/api/``, a small HTML page
elsewhere. Files of a multipart upload are not looked at (binary files hold NULs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

NUL = "\x00"
# A JSON escape of NUL: ``\u0000`` after an even number of backslashes (``\\u0000`` is a
# backslash followed by the text "u0000", harmless).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CODE = "invalid_characters"


def _has_nul(items: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in items)


def carries_nul(request: HttpRequest) -> bool:
    """Whether the path, query string, form fields or body of the request hold a NUL."""
    if NUL in request.path or NUL in request.path_info:
        return True
    if _has_nul(request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = (request.content_type or "").lower()
    try:
        if content_type == "multipart/form-data":
            # Read the body first when it is small: request.POST then parses the cached
            # copy and a view may still read request.body. A large upload (a scan) is left
            # to the view's forms, whose text fields refuse NUL themselves.
            if int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return False
            request.body  # noqa: B018 — caches the body before request.POST reads the stream
            return _has_nul(request.POST.lists())
        if content_type in FORM_TYPES:
            return _has_nul(request.POST.lists())
        body = request.body
    except RequestDataTooBig:
        return False  # the view answers that one, as before
    return b"\x00" in body or JSON_NUL.search(body) is not None


def refusal(request: HttpRequest) -> HttpResponse:
    message = _("The request contains invalid characters (NUL).")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": CODE, "message": message}, status=400)
    title = _("Bad request")
    page = (
        f'<!doctype html><html lang="{escape(get_language() or "ru")}"><head>'
        f'<meta charset="utf-8"><title>{escape(title)}</title></head>'
        f'<body><main><h1>{escape(title)}</h1><p data-code="{CODE}">{escape(message)}</p>'
        "</main></body></html>"
    )
    return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return refusal(request)
        return self.get_response(request)
