"""The printable book (B-6): a year of one office's book as a PDF, rendered by WeasyPrint
from an HTML template in the reader's language (DejaVu fonts: full Kazakh Cyrillic). Each
entry is also a PDF bookmark ("No. 5 — 2026-000123"), so tools can find it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from abonent.appeals.book.models import BookEntry, ComplaintBook


def book_entries(book: ComplaintBook, year: int) -> list[BookEntry]:
    return list(
        BookEntry.objects.filter(book=book, year=year)
        .select_related("appeal", "answer")
        .order_by("number")
    )


def book_pdf(book: ComplaintBook, year: int, language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "book/pdf/book.html",
            {
                "book": book,
                "year": year,
                "entries": book_entries(book, year),
                "LANGUAGE_CODE": language,
            },
        )
    return bytes(HTML(string=html).write_pdf())
