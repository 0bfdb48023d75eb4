"""Pages of the contact centre: the call log (CC-4) and listening to a recording.

Thin: a form parses the filters, ``access`` decides, ``queries``/``recordings`` do the work.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from abonent.calls import access
from abonent.calls.forms import bounded_date_field
from abonent.calls.models import Call, CallStatus
from abonent.calls.queries import CallFilter, log_page
from abonent.calls.recordings import open_for_listening
from abonent.calls.rules import mask_phone
from abonent.core.errors import DomainError


class LogFilterForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    date_from = bounded_date_field(_("From"))
    date_to = bounded_date_field(_("To"))
    operator = forms.CharField(label=_("Operator"), required=False, max_length=150)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *CallStatus.choices],
    )
    cursor = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/forbidden.html", status=403)


@login_required
@require_GET
def call_log(request: HttpRequest) -> HttpResponse:
    if not access.can_read_log(request.user):
        return _forbidden(request)
    form = LogFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "calls": [], "rows": [], "next_url": None}
    if not form.is_valid():
        return render(request, "calls/log.html", context, status=422)
    personal = access.sees_personal_data(request.user)
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    if data.get("phone") and not personal:
        # Finding a caller's calls by their number is itself reading personal data.
        form.add_error("phone", _("Your role does not allow searching by phone number."))
        return render(request, "calls/log.html", context, status=403)
    try:
        page = log_page(CallFilter(**data))
    except DomainError as exc:
        form.add_error("phone" if exc.code == "invalid_phone" else None, str(exc.message))
        return render(request, "calls/log.html", context, status=422)
    context["calls"] = page.items
    # Without access to personal data (a system administrator) numbers are masked, as in
    # the API and on the call card.
    context["rows"] = [(c, c.phone if personal else mask_phone(c.phone)) for c in page.items]
    context["can_listen"] = {
        c.pk for c in page.items if access.can_listen(request.user, c.operator_id)
    }
    if page.next_cursor:
        query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
        context["next_url"] = "?" + urlencode({**query, "cursor": page.next_cursor})
    return render(request, "calls/log.html", context)


@login_required
@require_GET
def listen(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stream the recording to permitted staff; one audit row per listen."""
    call = get_object_or_404(Call, pk=pk)
    if not access.can_listen(request.user, call.operator_id):
        return _forbidden(request)
    try:
        opened = open_for_listening(call=call, actor=request.user)
    except DomainError as exc:
        return render(
            request, "calls/unavailable.html", {"call": call, "code": exc.code}, status=exc.status
        )
    response: HttpResponseBase
    if opened.path is not None:
        response = FileResponse(opened.path.open("rb"), content_type=opened.content_type)
    else:
        assert opened.chunks is not None
        response = StreamingHttpResponse(opened.chunks, content_type=opened.content_type)
        if opened.size is not None:
            response["Content-Length"] = str(opened.size)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="call-{call.pk}.wav"'
    return response
