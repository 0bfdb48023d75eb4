"""The incoming journal of a year as xlsx (K-3), streamed row by row."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from abonent.appeals.models import Appeal

CHUNK = 2000


def _safe(value: str) -> str:
    # A cell starting with = + - @ would be a formula in Excel: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def journal_workbook(year: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(year))
    with translation.override("ru"):
        ws.append(
            [
                _("Incoming number"),
                _("Registration date"),
                _("Received"),
                _("Channel"),
                _("Kind"),
                _("Applicant"),
                _("Status"),
                _("Decision"),
                _("Reasons"),
                _("Department"),
                _("Due"),
                _("Extended until"),
                _("Answered"),
            ]
        )
        qs = Appeal.objects.filter(year=year).select_related("department").order_by("seq")
        for a in qs.iterator(chunk_size=CHUNK):
            ws.append(
                [
                    a.incoming_number,
                    a.registered_on,
                    a.received_at.replace(tzinfo=None),
                    a.get_channel_display(),
                    a.get_kind_display(),
                    _safe(a.applicant_name),
                    a.get_status_display(),
                    a.get_decision_display() if a.decision else "",
                    ", ".join(a.decision_reasons),
                    a.department.name if a.department else "",
                    a.due_date,
                    a.due_date if a.extension_days else None,
                    a.answered_on,
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
