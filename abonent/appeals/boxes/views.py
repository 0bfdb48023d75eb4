"""Pages of the boxes (K-6): the operator's box with the "take an appeal" form and its live
K-2 checklist; the Chancellery's collection; a collection with its act."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.appeals.boxes import access, documents, queries, services
from abonent.appeals.boxes.forms import CollectForm, TakeForm, check_rows
from abonent.appeals.boxes.models import Collection
from abonent.appeals.forms import add_domain_error
from abonent.core.errors import DomainError

View = Callable[..., HttpResponseBase]
FORM_INVALID = 422
RECENT_COLLECTIONS = 10


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "boxes/forbidden.html", {"message": message}, status=403)


def staff_page(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Log-in required; a role the page is not for gets the 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user):
                return _forbidden(request)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def _is_box_staff(user: Any) -> bool:
    return access.operator_centre(user) is not None


def _may_see_box_pages(user: Any) -> bool:
    return _is_box_staff(user) or access.can_collect(user)


# ---- the operator's box ----------------------------------------------------------------


def _box_page(request: HttpRequest, form: TakeForm, *, status: int = 200) -> HttpResponse:
    centre = access.operator_centre(request.user)
    assert centre is not None
    checks = form.checks() if form.is_bound else {}
    context = {
        "centre": centre,
        "form": form,
        "checks": check_rows(checks),
        "rows": queries.rows(request.user, queries.box_of(centre)),
    }
    return render(request, "boxes/box.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def box(request: HttpRequest) -> HttpResponse:
    """The box of the operator's service centre and the "take an appeal" form (K-6)."""
    if access.operator_centre(request.user) is None:
        if access.can_collect(request.user):
            return redirect("boxes:collect")
        return _forbidden(
            request, _("Your staff profile names no service centre, so you have no box.")
        )
    if request.method != "POST":
        return _box_page(request, TakeForm())
    form = TakeForm(request.POST, request.FILES)
    if not form.is_valid():
        return _box_page(request, form, status=FORM_INVALID)
    try:
        centre = access.require_centre(request.user)
        item = services.take_appeal(
            office=centre,
            data=form.box_input(),
            actor=request.user,
            accept_incomplete=form.cleaned_data["accept_incomplete"],
            scan=form.cleaned_data["scan"],
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _box_page(request, form, status=err.status)
    if item.complete:
        done = _("The appeal is in the box as No. %(number)s.")
    else:
        done = _("The appeal is in the box as No. %(number)s, marked incomplete.")
    messages.success(request, done % {"number": item.box_number})
    return redirect("boxes:box")


@require_POST
@staff_page(_is_box_staff)
def check(request: HttpRequest) -> HttpResponse:
    """The live checklist (htmx): what the form holds so far, checked on the server; it
    stores nothing."""
    form = TakeForm(request.POST)
    form.is_valid()
    context = {"form": form, "checks": check_rows(form.checks())}
    return render(request, "boxes/_checklist.html", context)


@require_GET
@staff_page(_may_see_box_pages)
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable slip that goes with the paper into the box."""
    item = get_object_or_404(queries.items_qs(), pk=pk)
    if not access.sees_personal_data(request.user, item.office_id):
        return _forbidden(request)
    row = queries.rows(request.user, [item])[0]
    return render(request, "boxes/slip.html", {"row": row, "item": item})


# ---- the Chancellery -------------------------------------------------------------------


def _collect_page(
    request: HttpRequest, form: CollectForm | None = None, *, status: int = 200
) -> HttpResponse:
    centres = queries.in_boxes_by_centre(request.user)
    selected = set(form.cleaned_data.get("items", [])) if form and form.is_bound else None
    context = {
        "centres": centres,
        "total": sum(len(c.rows) for c in centres),
        "overdue": sum(c.overdue for c in centres),
        "form": form,
        "selected": selected,
        "recent": Collection.objects.select_related("collected_by")[:RECENT_COLLECTIONS],
    }
    return render(request, "boxes/collect.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_page(access.can_collect)
def collect(request: HttpRequest) -> HttpResponse:
    """Everything in all boxes by centre, overdue items flagged; one action collects the
    selected ones and registers each in the journal (K-3, K-6)."""
    if request.method != "POST":
        return _collect_page(request)
    form = CollectForm(request.POST)
    if not form.is_valid():
        return _collect_page(request, form, status=FORM_INVALID)
    try:
        collection = services.collect_boxes(actor=request.user, item_ids=form.cleaned_data["items"])
    except DomainError as err:
        add_domain_error(form, err)
        return _collect_page(request, form, status=err.status)
    count = collection.items.count()
    done = ngettext(
        "Collection No. %(number)s: %(count)s appeal registered.",
        "Collection No. %(number)s: %(count)s appeals registered.",
        count,
    )
    messages.success(request, done % {"number": collection.number, "count": count})
    return redirect("boxes:collection", pk=collection.pk)


@require_GET
@staff_page(access.can_collect)
def collection(request: HttpRequest, pk: int) -> HttpResponse:
    coll = get_object_or_404(Collection.objects.select_related("collected_by"), pk=pk)
    items = queries.collection_items(coll)
    context = {"collection": coll, "centres": queries.by_centre(items), "total": len(items)}
    return render(request, "boxes/collection.html", context)


@require_GET
@staff_page(access.can_collect)
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """The collection act, in the page's language (ru or kk)."""
    coll = get_object_or_404(Collection.objects.select_related("collected_by"), pk=pk)
    language = documents.act_language(translation.get_language())
    response = HttpResponse(documents.act_pdf(coll, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="box-act-{coll.number}.pdf"'
    return response
