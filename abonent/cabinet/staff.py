"""Staff pages of the cabinet (issue #7): the review list of readings flagged
``needs_review`` (a very high consumption the consumer confirmed), with accept / reject and
a note; and a legal entity's invoice copy printed by staff (PC-2, C-2 row 4)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from abonent.cabinet import services
from abonent.cabinet.importing import Rejection, write_report
from abonent.cabinet.invoice import LANGUAGES, invoice_pdf
from abonent.cabinet.models import (
    Account,
    Bill,
    ConsumerKind,
    ImportRun,
    Reading,
    ReadingSource,
    ReadingStatus,
)
from abonent.cabinet.permissions import may_copy_invoice, may_review, may_see_imports
from abonent.core.errors import DomainError

PAGE_SIZE = 50


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "cabinet/staff/forbidden.html", status=403)


REVIEW_VIEWS = [
    ("waiting", _("Waiting for review")),
    ("accepted", _("Accepted on review")),
    ("rejected", _("Rejected on review")),
]


class ReviewFilter(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=REVIEW_VIEWS, required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any")), *ReadingSource.choices], required=False
    )
    month = forms.RegexField(
        label=_("Month (YYYY-MM)"), regex=r"^(19|20)\d\d-(0[1-9]|1[0-2])$", required=False
    )
    account = forms.RegexField(
        label=_("Account number"), regex=r"^[0-9A-Za-z-]{1,20}$", required=False
    )


def review_queryset(data: dict[str, Any]) -> QuerySet[Reading]:
    """The readings to show for the (cleaned) filter, oldest waiting first; each with the
    value of the meter's previous reading (one subquery, no query per row). ``show``:
    waiting (the default), accepted, rejected, or all (no filter, for one by its id)."""
    show = data.get("show") or "waiting"
    qs = Reading.objects.all()
    if show == "all":
        pass
    elif show == "waiting":
        qs = qs.filter(status=ReadingStatus.NEEDS_REVIEW).order_by("submitted_at", "pk")
    else:
        qs = qs.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-pk")
        if show == "rejected":
            qs = qs.filter(status=ReadingStatus.REJECTED)
        else:
            qs = qs.exclude(status=ReadingStatus.REJECTED)
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("month"):
        year, month = (int(x) for x in data["month"].split("-"))
        qs = qs.filter(period=date(year, month, 1))
    if data.get("account"):
        qs = qs.filter(meter__account__number=data["account"])
    previous = (
        Reading.objects.filter(meter=OuterRef("meter"), period__lt=OuterRef("period"))
        .exclude(status=ReadingStatus.REJECTED)
        .order_by("-period")
        .values("value")[:1]
    )
    return qs.select_related("meter__account__consumer", "submitted_by", "reviewed_by").annotate(
        previous_value=Subquery(previous)
    )


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    if not may_review(request.user):
        return _forbidden(request)
    form = ReviewFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(review_queryset(data), PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page.object_list:
        decimals = r.meter.decimals
        r.shown = services.shown(r.value, decimals)  # type: ignore[attr-defined]
        r.shown_consumption = services.shown(r.consumption, decimals)  # type: ignore[attr-defined]
        previous = r.previous_value  # type: ignore[attr-defined]
        r.shown_previous = services.shown(previous, decimals)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cabinet/staff/review.html",
        {
            "form": form,
            "page": page,
            "show": data.get("show") or "waiting",
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


@login_required
@require_POST
def review(request: HttpRequest, reading_id: int) -> HttpResponse:
    if not may_review(request.user):
        return _forbidden(request)
    try:
        services.review_reading(
            reading_id=reading_id,
            decision=str(request.POST.get("decision", "")),
            note=str(request.POST.get("note", ""))[: services.NOTE_MAX + 1],
            actor=request.user,
        )
    except DomainError as err:
        return render(
            request,
            "cabinet/staff/refused.html",
            {"message": err.message, "back": _back(request)},
            status=err.status,
        )
    return HttpResponseRedirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = str(request.POST.get("next", ""))
    default = reverse("cabinet:staff-review")
    if not target.startswith(default) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return default
    return target


_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@login_required
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    """A legal entity's invoice copies by account number, for staff who hand them over."""
    if not may_copy_invoice(request.user):
        return _forbidden(request)
    number = str(request.GET.get("account", "")).strip()[:20]
    account = None
    bills: list[Bill] = []
    if number:
        account = (
            Account.objects.select_related("consumer")
            .filter(number=number, consumer__kind=ConsumerKind.LEGAL_ENTITY)
            .first()
        )
        if account is not None:
            bills = list(account.bills.order_by("-period")[:24])
    return render(
        request,
        "cabinet/staff/invoices.html",
        {"number": number, "account": account, "bills": bills},
        status=404 if number and account is None else 200,
    )


@login_required
@require_GET
def invoice_copy(request: HttpRequest, number: str, period: str) -> HttpResponse:
    if not may_copy_invoice(request.user):
        return _forbidden(request)
    match = _PERIOD.fullmatch(period)
    bill = None
    if match is not None and int(match.group(1)) >= 1900:  # year 0 is no date
        bill = (
            Bill.objects.select_related("account__consumer")
            .filter(
                account__number=number,
                account__consumer__kind=ConsumerKind.LEGAL_ENTITY,
                period=date(int(match.group(1)), int(match.group(2)), 1),
            )
            .first()
        )
    if bill is None:
        return render(request, "cabinet/staff/not_found.html", status=404)
    lang = str(request.GET.get("lang", "ru"))
    lang = lang if lang in LANGUAGES else "ru"
    pdf = invoice_pdf([bill], lang, timezone.localdate())
    services.record_invoice_copy(bill=bill, lang=lang, actor=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{period}-{number}.pdf"'
    return response


IMPORTS_SHOWN = 30


@login_required
@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    """The latest billing imports: counts, and for a running one how far it has got (the
    page refreshes itself while one runs); each run's rejection report as CSV."""
    if not may_see_imports(request.user):
        return _forbidden(request)
    runs = list(
        ImportRun.objects.defer("rejections")
        .select_related("started_by")
        .order_by("-started_at", "-pk")[:IMPORTS_SHOWN]
    )
    for run in runs:
        run.percent = int(run.progress * 100)  # type: ignore[attr-defined]
    running = any(run.finished_at is None for run in runs)
    return render(request, "cabinet/staff/imports.html", {"runs": runs, "running": running})


@login_required
@require_GET
def import_rejections(request: HttpRequest, run_id: int) -> HttpResponse:
    if not may_see_imports(request.user):
        return _forbidden(request)
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return render(request, "cabinet/staff/not_found.html", status=404)
    out = io.StringIO()
    out.write("\ufeff")  # a BOM: spreadsheet programs then read UTF-8
    write_report(
        (Rejection(int(r["line"]), str(r["account"]), str(r["reason"])) for r in run.rejections),
        out,
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-{run.pk}.csv"'
    return response
