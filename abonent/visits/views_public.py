"""The public check of an employee at the door (V-3): a mobile-first page with one big
input, and the employee's photo behind a short-lived signed link."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from abonent.core.auth import has_role
from abonent.core.errors import DomainError
from abonent.core.lib.ratelimit import client_ip
from abonent.core.roles import Role
from abonent.visits import rules, verification
from abonent.visits.forms import VerifyForm
from abonent.visits.models import EmployeeCard

PHOTO_SALT = "abonent.visits.photo"
PHOTO_MAX_AGE = 3600


def photo_url(user: Any) -> str:
    token = signing.dumps(user.pk, salt=PHOTO_SALT, compress=True)
    return reverse("visits:photo", args=[token])


@never_cache
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST checks (a POST keeps codes out of addresses and logs)."""
    form = VerifyForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "result": None, "error": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["code"]
        is_code = rules.normalize_code(typed) is not None
        channel = "contact_centre" if has_role(request.user, Role.CC_OPERATOR) else "web"
        try:
            context["result"] = verification.verify(
                code=typed if is_code else "",
                employee_number="" if is_code else typed,
                ip=client_ip(request),
                channel=channel,
                actor=request.user,
            )
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    elif request.method == "POST":
        status = 422
    return render(request, "visits/verify.html", context, status=status)


@require_GET
def photo(request: HttpRequest, token: str) -> FileResponse:
    try:
        pk = signing.loads(token, salt=PHOTO_SALT, max_age=PHOTO_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    card = EmployeeCard.objects.filter(user_id=pk).first()
    if card is None or not card.photo:
        raise Http404
    response = FileResponse(card.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=600"
    return response
