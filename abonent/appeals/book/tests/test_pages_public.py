"""The public pages: the kiosk form (B-1, B-2), its receipt, and the results page (B-8) —
which shows no personal data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from abonent.appeals.book.models import BookEntry
from abonent.appeals.book.services import record_result
from abonent.appeals.book.tests.helpers import MEASURES, TEXT, make_entry
from abonent.appeals.models import Appeal

pytestmark = pytest.mark.django_db

URL = "/book/sc1/"


def in_language(client: Client, lang: str) -> Client:
    client.cookies["abonent_lang"] = lang
    return client


def token_of(page: str) -> str:
    m = re.search(r'name="token" value="([^"]+)"', page)
    assert m, "the form carries a one-time token"
    return m.group(1)


def form(client: Client, **over: Any) -> dict[str, Any]:
    data = {"kind": "complaint", "text": TEXT, "token": token_of(client.get(URL).content.decode())}
    data.update(over)
    return data


@pytest.mark.parametrize(
    ("lang", "title"),
    [("ru", "Книга жалоб и предложений"), ("kk", "Шағымдар мен ұсыныстар кітабы")],
)
def test_the_kiosk_form_is_in_the_page_language(
    books: None, client: Client, lang: str, title: str
) -> None:
    r = in_language(client, lang).get(URL)
    assert r.status_code == 200
    page = r.content.decode()
    assert f'<html lang="{lang}">' in page
    assert title in page
    assert "book/book.css" in page


def test_b2_the_kiosk_form_asks_for_no_document_or_reason(books: None, client: Client) -> None:
    page = client.get(URL).content.decode()
    fields = set(re.findall(r'name="([a-z_]+)"', page)) - {
        "csrfmiddlewaretoken",
        "next",
        "language",
        "viewport",
    }
    assert fields == {
        "kind",
        "text",
        "last_name",
        "first_name",
        "phone",
        "postal_address",
        "email",
        "consent",  # W-8: asked only of those who leave their details
        "token",
    }
    required = set(re.findall(r'name="([a-z_]+)"[^>]*required', page))
    assert required <= {"kind", "text"}


def test_an_entry_shows_its_book_number_incoming_number_and_access_code_once(
    books: None, client: Client
) -> None:
    r = client.post(URL, form(client), follow=True)
    assert r.redirect_chain == [("/book/sc1/sent/", 302)]
    entry = BookEntry.objects.select_related("appeal").get()
    page = r.content.decode()
    assert re.search(rf"data-book-number>{entry.number}<", page)
    assert f"data-incoming-number>{entry.appeal.incoming_number}<" in page
    assert f"data-access-code>{entry.appeal.access_code}<" in page
    assert "/book/sc1/results/" in page
    assert f"/appeal-status/?number={entry.appeal.incoming_number}" in page
    assert "no-store" in r["Cache-Control"]
    # the next person at the kiosk cannot page back to it
    again = client.get("/book/sc1/sent/")
    assert (again.status_code, again["Location"]) == (302, "/book/sc1/")


def test_the_same_form_sent_twice_makes_one_entry(books: None, client: Client) -> None:
    data = form(client)
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert (BookEntry.objects.count(), Appeal.objects.count()) == (1, 1)


def test_an_empty_entry_is_refused_on_the_form(books: None, client: Client) -> None:
    r = client.post(URL, form(client, text="   "))
    assert r.status_code == 422
    assert 'class="field invalid' in r.content.decode()
    assert BookEntry.objects.count() == 0


def test_a_too_long_entry_is_refused_on_the_form(books: None, client: Client) -> None:
    r = client.post(URL, form(client, text="ж" * 5001))
    assert r.status_code == 422
    assert BookEntry.objects.count() == 0


def test_a_megabyte_entry_is_refused_as_too_large(books: None, client: Client) -> None:
    r = client.post(URL, form(client, text="ж" * 1_000_000))
    assert r.status_code == 413
    assert BookEntry.objects.count() == 0


def test_the_kiosk_form_is_rate_limited(books: None, client: Client) -> None:
    from abonent.appeals.book.views import ENTRY_LIMIT

    for _ in range(ENTRY_LIMIT):
        assert client.post(URL, form(client)).status_code == 302
    r = client.post(URL, form(client))
    assert r.status_code == 429
    assert r.has_header("Retry-After")
    assert BookEntry.objects.count() == ENTRY_LIMIT


def test_an_unknown_office_has_no_book(books: None, client: Client) -> None:
    assert client.get("/book/sc9/").status_code == 404
    assert client.get("/book/sc9/results/").status_code == 404


def test_b8_the_results_page_shows_results_but_no_personal_data(
    books: None, client: Client
) -> None:
    from django.contrib.auth import get_user_model

    secret = {
        "last_name": "Секретова",
        "first_name": "Айжан",
        "phone": "+77015550011",
        "postal_address": "ул. Тайная, 7",
        "email": "secret@example.kz",
    }
    done = make_entry("sc1", **secret)
    make_entry("sc1", text="Вторая запись: в зале душно, нет кондиционера и воды.")
    record_result(
        entry=done,
        result="satisfied",
        measures=MEASURES,
        method="book_record",
        actor=get_user_model().objects.get(username="head"),
    )
    done.refresh_from_db()
    r = client.get("/book/sc1/results/")
    assert r.status_code == 200
    page = r.content.decode()
    rows = re.findall(r'<tr data-entry="(\d+)">', page)
    assert rows == ["2", "1"]
    assert "Удовлетворено" in page
    assert done.result_date.strftime("%d.%m.%Y") in page
    for leak in (
        "Секретова",
        "Айжан",
        "5550011",
        "Тайная",
        "secret@",
        "очередь",
        "душно",
        done.appeal.access_code,
        done.appeal.incoming_number,
    ):
        assert leak not in page
