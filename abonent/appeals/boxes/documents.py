"""The collection act (K-6): a PDF rendered by WeasyPrint from an HTML template, in Russian
or Kazakh. Font: DejaVu Sans (full Kazakh Cyrillic)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from abonent.appeals.boxes import queries
from abonent.appeals.boxes.models import Collection
from abonent.workdays.calendar import TIMEZONE

ACT_LANGUAGES = ("ru", "kk")


def act_language(requested: str | None) -> str:
    """The request's language when the act exists in it, else Russian."""
    lang = (requested or "").split("-")[0]
    return lang if lang in ACT_LANGUAGES else "ru"


def act_html(collection: Collection, language: str) -> str:
    items = queries.collection_items(collection)
    with translation.override(language), timezone.override(TIMEZONE):
        return render_to_string(
            "boxes/pdf/act.html",
            {
                "collection": collection,
                "centres": queries.by_centre(items),
                "total": len(items),
                "collector": queries.person(collection.collected_by),
                "collector_position": queries.position(collection.collected_by),
                "LANGUAGE_CODE": language,
            },
        )


def act_pdf(collection: Collection, language: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=act_html(collection, language)).write_pdf())
