"""Pages of the electronic queue: the statistics for the head of an office (issue #5
point 7) at ``/staff/queue/stats/`` and the same figures as xlsx at
``/staff/queue/stats.xlsx``. The figures and their definitions are in ``equeue.stats``."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from abonent.core.errors import DomainError, Forbidden
from abonent.equeue import stats

FORM_INVALID = 422
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (figure of stats.as_dict, column heading, kind: count / share / minutes)
COLUMNS: Sequence[tuple[str, Promise, str]] = [
    ("issued", gettext_lazy("Issued"), "count"),
    ("called", gettext_lazy("Called"), "count"),
    ("served", gettext_lazy("Served"), "count"),
    ("no_show", gettext_lazy("No-shows"), "count"),
    ("cancelled", gettext_lazy("Cancelled"), "count"),
    ("redirected", gettext_lazy("Redirections"), "count"),
    ("disputes_opened", gettext_lazy("Disputes opened"), "count"),
    ("disputes_resolved", gettext_lazy("Disputes resolved"), "count"),
    ("wait_avg_minutes", gettext_lazy("Average wait, min"), "minutes"),
    ("wait_median_minutes", gettext_lazy("Median wait, min"), "minutes"),
    ("wait_p90_minutes", gettext_lazy("Wait, 90th percentile, min"), "minutes"),
    ("wait_max_minutes", gettext_lazy("Longest wait, min"), "minutes"),
    ("waits_over_target", gettext_lazy("Waits over the target"), "count"),
    ("share_over_target", gettext_lazy("Consumers over the target"), "share"),
    ("service_avg_minutes", gettext_lazy("Average service, min"), "minutes"),
    ("service_median_minutes", gettext_lazy("Median service, min"), "minutes"),
    ("service_p90_minutes", gettext_lazy("Service, 90th percentile, min"), "minutes"),
]
TABLES: Sequence[tuple[str, Promise]] = [
    ("service", gettext_lazy("By service")),
    ("window", gettext_lazy("By window")),
    ("employee", gettext_lazy("By employee")),
    ("day", gettext_lazy("By day")),
]


class StatsForm(forms.Form):
    office = forms.CharField(label=gettext_lazy("Office"), required=False, max_length=32)
    date_from = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target_minutes = forms.IntegerField(
        label=gettext_lazy("Wait target, minutes"),
        required=False,
        min_value=1,
        max_value=stats.MAX_TARGET_MINUTES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An empty target means the configured one: show it.
        widget = self.fields["target_minutes"].widget
        widget.attrs["placeholder"] = str(stats.default_target_minutes())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "date_from" in data and "date_to" in data:
            start, end = stats.default_period(data["date_from"], data["date_to"])
            data["date_from"], data["date_to"] = start, end
            for name, errors in stats.period_errors(start, end).items():
                for error in errors:
                    self.add_error(name, error)
        return data


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "equeue/stats/forbidden.html", {"message": message}, status=403)


def _tenths(value: float) -> str:
    # number_format cuts digits off; round half up first (20.67 → 20,7).
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=1)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{_tenths(value * 100)}\u00a0%"
    if kind == "minutes":
        return _tenths(value)
    return number_format(value, force_grouping=True)


def _parse(request: HttpRequest) -> tuple[StatsForm, stats.Report | None, int]:
    """The form, the report when the filters are valid, and the status of the answer."""
    form = StatsForm(request.GET)
    if not form.is_valid():
        return form, None, FORM_INVALID
    data = form.cleaned_data
    try:
        office = stats.resolve_office(request.user, data["office"])
        report = stats.build_report(
            office=office,
            date_from=data["date_from"],
            date_to=data["date_to"],
            target_minutes=data["target_minutes"],
        )
    except Forbidden:
        raise
    except DomainError as err:
        for name, errors in err.fields.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        if not err.fields:
            form.add_error(None, str(err.message))
        return form, None, err.status
    return form, report, 200


def _guarded(request: HttpRequest) -> tuple[StatsForm, stats.Report | None, int] | HttpResponse:
    if not stats.can_view(request.user):
        return _forbidden(request)
    try:
        return _parse(request)
    except Forbidden as err:
        return _forbidden(request, str(err.message))


def _page(
    request: HttpRequest, form: StatsForm, report: stats.Report | None, status: int
) -> HttpResponse:
    tables = []
    if report is not None:
        for dim, title in TABLES:
            rows = [_cells(stats.as_dict(row)) for row in report.tables[dim]]
            tables.append({"dim": dim, "title": title, "rows": rows})
    context = {
        "form": form,
        "report": report,
        "offices": stats.offices_for(request.user),
        "all_offices": stats.sees_all_offices(request.user),
        "columns": [label for _name, label, _kind in COLUMNS],
        "totals": _cells(stats.as_dict(report.totals)) if report else None,
        "tables": tables,
        "query": request.GET.urlencode(),
    }
    return render(request, "equeue/stats/page.html", context, status=status)


@require_GET
@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    parsed = _guarded(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    return _page(request, *parsed)


def _cells(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": figures["label"],
        "cells": [_cell(figures[name], kind) for name, _label, kind in COLUMNS],
    }


@require_GET
@login_required
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    parsed = _guarded(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    form, report, status = parsed
    if report is None:
        return _page(request, form, report, status)
    response = HttpResponse(workbook(report), content_type=XLSX)
    office = report.office.code if report.office else "all"
    name = f"queue-stats-{office}-{report.date_from}-{report.date_to}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    return round(value * 100, 1) if kind == "share" else value


def workbook(report: stats.Report) -> bytes:
    """The tables of the page, one sheet each, after a sheet with the totals. Numbers stay
    numbers (minutes with two decimals, shares in per cent)."""
    wb = Workbook(write_only=True)
    heading = [str(label) for _name, label, _kind in COLUMNS]
    summary = wb.create_sheet(_("Totals"))
    summary.append([_("Office"), report.office.code if report.office else _("All offices")])
    summary.append([_("First day"), report.date_from])
    summary.append([_("Last day"), report.date_to])
    summary.append([_("Wait target, minutes"), report.target_minutes])
    summary.append([])
    summary.append(["", *heading])
    summary.append(_xlsx_row(stats.as_dict(report.totals)))
    for dim, title in TABLES:
        sheet = wb.create_sheet(str(title)[:31])
        sheet.append(["", *heading])
        for row in report.tables[dim]:
            sheet.append(_xlsx_row(stats.as_dict(row)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_row(figures: dict[str, Any]) -> list[Any]:
    label = str(figures["label"])
    # A cell starting with = + - @ would be a formula in Excel: keep it text.
    safe = "'" + label if label[:1] in ("=", "+", "-", "@") else label
    return [safe, *(_xlsx_value(figures[name], kind) for name, _label, kind in COLUMNS)]


urlpatterns: list[URLPattern] = [
    path("staff/queue/stats/", stats_page, name="stats"),
    path("staff/queue/stats.xlsx", stats_xlsx, name="stats-xlsx"),
]
