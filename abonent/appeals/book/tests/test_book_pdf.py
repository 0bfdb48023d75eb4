"""The printable book (B-6): per entry its number, date, text, writer as given, result,
result date and the recorder's surname and position; each entry is a PDF bookmark."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.book.documents import book_entries, book_pdf
from abonent.appeals.book.services import record_result
from abonent.appeals.book.tests.helpers import MEASURES, book, get, make_entry, pdf_strings

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_the_pdf_carries_every_entry_of_the_year(books: None) -> None:
    first = make_entry("central", last_name="Омарова", phone="+77015554433")
    second = make_entry("central")
    make_entry("sc1")  # another book
    record_result(
        entry=first,
        result="satisfied",
        measures=MEASURES,
        method="book_record",
        actor=get_user_model().objects.get(username="chancellery"),
    )
    pdf = book_pdf(book("central"), first.year, "ru")
    assert pdf.startswith(b"%PDF-")
    strings = pdf_strings(pdf)
    assert f"№ 1 — {first.appeal.incoming_number}" in strings
    assert f"№ 2 — {second.appeal.incoming_number}" in strings
    assert not [s for s in strings if s.startswith("№ 3")]


def test_the_pdf_template_shows_the_book_columns(books: None) -> None:
    """What the PDF is rendered from: the book's columns for a considered entry."""
    from django.template.loader import render_to_string
    from django.utils import translation

    entry = make_entry("central", last_name="Омарова", phone="+77015554433")
    record_result(
        entry=entry,
        result="satisfied",
        measures=MEASURES,
        method="book_record",
        actor=get_user_model().objects.get(username="chancellery"),
    )
    with translation.override("ru"):
        html = render_to_string(
            "book/pdf/book.html",
            {
                "book": book("central"),
                "year": entry.year,
                "entries": book_entries(book("central"), entry.year),
            },
        )
    entry.refresh_from_db()
    for expected in (
        entry.appeal.text,
        "Омарова",
        "+77015554433",
        MEASURES,
        entry.result_date.strftime("%d.%m.%Y"),
        "Абдрахманова, Специалист Канцелярии",
        entry.written_at.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M"),
    ):
        assert expected in html


def test_the_pdf_endpoint_is_for_staff_of_the_book(
    books: None, client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("sc1")
    r = get(client, f"/api/v1/book/sc1/book.pdf?year={entry.year}", tokens["operator"])
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
    assert f"№ 1 — {entry.appeal.incoming_number}" in pdf_strings(r.content)
    assert get(client, "/api/v1/book/central/book.pdf", tokens["operator"]).status_code == 403
    assert get(client, "/api/v1/book/sc1/book.pdf").status_code == 401
    assert get(client, "/api/v1/book/sc1/book.pdf?year=1999", tokens["operator"]).status_code == 422
