"""The ninja root of the HTTP API v1 (api.md): routers, auth and the error format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from abonent.appeals.api import router as appeals_router
from abonent.appeals.book.api import router as book_router
from abonent.appeals.boxes.api import router as boxes_router
from abonent.appeals.reception.api import router as reception_router
from abonent.cabinet.api import router as cabinet_router
from abonent.calls.api import router as calls_router
from abonent.calls.ivr.api import router as ivr_router
from abonent.core.api import router as core_router
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import DomainError
from abonent.equeue.api import router as queue_router
from abonent.equeue.stats_api import router as queue_stats_router
from abonent.portal.api import router as portal_router
from abonent.visits.api import router as visits_router
from abonent.workdays.api import router as calendar_router

api = NinjaAPI(
    title="Abonent API",
    version="1",
    description="Consumer-service platform: appeals, queue, contact centre, cabinet, visits.",
    urls_namespace="api-v1",
    # Staff-only unless an endpoint says auth=None (public).
    auth=[TokenAuth(), staff_session],
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "")))
    return _error(request, 422, "validation_error", _("Some fields are invalid."), fields=fields)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", _("The request is too large."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", _("A valid access token is required."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", _("Your role does not allow this action."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 405: "method_not_allowed", 413: "too_large"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


api.add_router("/calendar", calendar_router, tags=["calendar"])
api.add_router("", core_router, tags=["staff"])
api.add_router("", appeals_router, tags=["appeals"])
api.add_router("/book", book_router, tags=["complaint book"])
api.add_router("/boxes", boxes_router, tags=["service-centre boxes"])
api.add_router("/reception", reception_router, tags=["personal reception"])
api.add_router("/queue/stats", queue_stats_router, tags=["queue statistics"])
api.add_router("/queue", queue_router, tags=["electronic queue"])
api.add_router("", cabinet_router, tags=["personal cabinet"])
api.add_router("", calls_router, tags=["contact centre"])
api.add_router("/ivr", ivr_router, tags=["IVR"])
api.add_router("/visits", visits_router, tags=["home visits"])
api.add_router("/site", portal_router, tags=["website"])
