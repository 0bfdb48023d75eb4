"""Pages of the personal cabinet: sign-in and sign-out, the consumer's accounts with balance,
bills, meters and reading history, and the reading form (PC-1, C-2 rows 2 and 4, W-7)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.cabinet import auth, codes, services
from abonent.cabinet.company import company, payment_links
from abonent.cabinet.models import Account, Bill, CabinetLogin, Meter, Reading, ReadingStatus
from abonent.core.errors import DomainError, RateLimited
from abonent.core.lib.ratelimit import limit_request

SIGN_IN_PER_ADDRESS = 30  # per 15 minutes, on top of the per-login lockout
HISTORY_MONTHS = 36  # the account page's reading history

View = Callable[..., HttpResponse]


def consumer_required(view: View) -> View:
    """The signed-in consumer as ``request.cabinet``; else to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principal = auth.current_principal(request)
        if principal is None:
            return redirect("cabinet:sign-in")
        request.cabinet = principal  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    error, status, login = "", 200, ""
    if request.method == "POST":
        login = str(request.POST.get("login", ""))[:254]
        try:
            limit_request(request, "cabinet-sign-in", limit=SIGN_IN_PER_ADDRESS, window_seconds=900)
            found = auth.sign_in(login=login, secret=str(request.POST.get("secret", "")))
        except (DomainError, RateLimited) as err:
            error, status = str(err.message), err.status
        else:
            auth.start_session(request, found)
            return redirect("cabinet:home")
    return render(request, "cabinet/sign_in.html", {"error": error, "login": login}, status=status)


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 1: the login, a code goes to the e-mail on file. Step 2: the code."""
    context: dict[str, Any] = {"step": "request", "login": "", "error": ""}
    status = 200
    if request.method == "POST":
        login = str(request.POST.get("login", ""))[:254]
        context["login"] = login
        try:
            limit_request(request, "cabinet-sign-in", limit=SIGN_IN_PER_ADDRESS, window_seconds=900)
            if request.POST.get("step") == "verify":
                context["step"] = "verify"
                found = codes.sign_in_with_code(login=login, code=str(request.POST.get("code", "")))
                auth.start_session(request, found)
                messages.info(request, _("You are signed in. You may now set a new secret."))
                return redirect("cabinet:home")
            codes.request_code(login=login)
            context["step"] = "verify"
        except (DomainError, RateLimited) as err:
            context["error"], status = str(err.message), err.status
    return render(request, "cabinet/sign_in_code.html", context, status=status)


@require_POST
@consumer_required
def change_secret(request: HttpRequest) -> HttpResponse:
    principal: auth.Principal = request.cabinet  # type: ignore[attr-defined]
    login = CabinetLogin.objects.get(pk=principal.login_id)
    try:
        auth.change_secret(
            login=login,
            secret=str(request.POST.get("secret", ""))[:200],
            repeat=str(request.POST.get("repeat", ""))[:200],
        )
    except DomainError as err:
        messages.error(request, str(err.message))
        return redirect("cabinet:home")
    auth.start_session(request, login)
    messages.success(request, _("The new secret is set. Other sessions have ended."))
    return redirect("cabinet:home")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth.end_session(request)
    return redirect("cabinet:sign-in")


def _accounts(numbers: frozenset[str]) -> list[Account]:
    meters = Meter.objects.filter(is_active=True).order_by("serial")
    return list(
        Account.objects.filter(number__in=numbers)
        .order_by("number")
        .prefetch_related(
            Prefetch("meters", queryset=meters),
            Prefetch("meters__readings", queryset=Reading.objects.order_by("-period")),
            Prefetch("bills", queryset=Bill.objects.order_by("-period")),
        )
    )


def _precise(value: Decimal, decimals: int) -> Decimal:
    """In the meter's precision; the template shows it with the language's decimal mark."""
    return value.quantize(Decimal(1).scaleb(-decimals))


CHART_STEP, CHART_BAR, CHART_TOP, CHART_BOTTOM = 48, 32, 10, 110


def _chart(readings: list[Reading], decimals: int) -> list[dict[str, Any]]:
    """Monthly consumption for the bar chart (an inline SVG drawn by the template, and a
    table with the numbers): oldest first, each bar's geometry in the SVG's units. A reading
    rejected on review is left out."""
    kept = [r for r in readings if r.status != ReadingStatus.REJECTED]
    points = list(reversed(kept[:13]))
    rows: list[dict[str, Any]] = []
    for before, after in pairwise(points):
        used = after.consumption
        if used is None:
            used = max(after.value - before.value, Decimal(0))
        rows.append({"period": after.period, "used": used})
    top = max((r["used"] for r in rows), default=Decimal(0)) or Decimal(1)
    for i, r in enumerate(rows):
        height = int(r["used"] * (CHART_BOTTOM - CHART_TOP) / top)
        r["shown"] = _precise(r["used"], decimals)
        r["x"] = i * CHART_STEP + (CHART_STEP - CHART_BAR) // 2
        r["label_x"] = i * CHART_STEP + CHART_STEP // 2
        r["y"], r["height"] = CHART_BOTTOM - height, height
    return rows


def _prepare_meters(accounts: list[Account], history: int) -> None:
    for account in accounts:
        for meter in account.meters.all():
            readings = list(meter.readings.all())
            kept = [r for r in readings if r.status != ReadingStatus.REJECTED]
            older = {after.pk: before for after, before in pairwise(kept)}
            for r in readings:
                r.shown = _precise(r.value, meter.decimals)  # type: ignore[attr-defined]
                used = r.consumption
                if used is None and r.pk in older:  # billing sends readings without it
                    used = max(r.value - older[r.pk].value, Decimal(0))
                r.shown_consumption = (  # type: ignore[attr-defined]
                    None
                    if used is None or r.status == ReadingStatus.REJECTED
                    else _precise(used, meter.decimals)
                )
            meter.history = readings[:history]  # type: ignore[attr-defined]
            meter.chart = _chart(readings, meter.decimals)  # type: ignore[attr-defined]
            meter.chart_width = max(len(meter.chart), 1) * CHART_STEP  # type: ignore[attr-defined]


@require_GET
@consumer_required
def home(request: HttpRequest) -> HttpResponse:
    principal: auth.Principal = request.cabinet  # type: ignore[attr-defined]
    accounts = _accounts(principal.account_numbers)
    _prepare_meters(accounts, history=12)
    details, language = company(), get_language() or "ru"
    return render(
        request,
        "cabinet/home.html",
        {
            "accounts": accounts,
            "legal": principal.consumer_kind == "legal_entity",
            "company": details,
            "company_name_local": details.name(language),
            "company_bank_local": details.bank(language),
            "payment_links": payment_links(),
        },
    )


@require_GET
@consumer_required
def account(request: HttpRequest, number: str) -> HttpResponse:
    """One account's page: meters with the reading form, the consumption chart and the whole
    reading history, and its bills. Someone else's account and an account that does not
    exist get the same 404 page: nothing tells them apart."""
    principal: auth.Principal = request.cabinet  # type: ignore[attr-defined]
    if number not in principal.account_numbers:
        return render(request, "cabinet/not_found.html", status=404)
    found = _accounts(frozenset({number}))
    if not found:
        return render(request, "cabinet/not_found.html", status=404)
    _prepare_meters(found, history=HISTORY_MONTHS)
    return render(
        request,
        "cabinet/account.html",
        {"account": found[0], "legal": principal.consumer_kind == "legal_entity"},
    )


@require_POST
@consumer_required
def submit_reading(request: HttpRequest) -> HttpResponse:
    principal: auth.Principal = request.cabinet  # type: ignore[attr-defined]
    account = str(request.POST.get("account", ""))[:20]
    meter = str(request.POST.get("meter", ""))[:40]
    value = str(request.POST.get("value", ""))[:100]
    if account not in principal.account_numbers:
        return render(request, "cabinet/forbidden.html", status=403)
    try:
        done = services.submit_reading(
            account=account,
            meter=meter,
            value=value,
            source="cabinet",
            confirm=request.POST.get("confirm") == "1",
            actor=principal,
        )
    except DomainError as err:
        context = {
            "error": str(err.message),
            "code": err.code,
            "account": account,
            "meter": meter,
            "value": value,
        }
        return render(request, "cabinet/reading_refused.html", context, status=err.status)
    shown = formats.localize(_precise(done.reading.value, done.decimals))
    messages.success(
        request,
        _("Reading %(value)s for meter %(meter)s accepted for %(period)s.")
        % {"value": shown, "meter": meter, "period": f"{done.reading.period:%m.%Y}"},
    )
    page = reverse("cabinet:account", kwargs={"number": account})
    return HttpResponseRedirect(f"{page}#meter-{done.reading.meter_id}")
