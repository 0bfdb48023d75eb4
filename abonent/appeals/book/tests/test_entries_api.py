"""Entries through the kiosk API: registration in the journal (K-3) and in the book, no
document or reason asked (B-2), bad input, double submission and rate limits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from abonent.appeals.book.models import BookCounter, BookEntry
from abonent.appeals.book.tests.helpers import TEXT, entry_body, key, post
from abonent.appeals.models import Appeal
from abonent.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/book/sc1/entries"


def test_an_entry_is_registered_in_the_journal_and_numbered_in_the_book(
    books: None, client: Client
) -> None:
    r = post(client, URL, entry_body())
    assert r.status_code == 201, r.json()
    body = r.json()
    entry = BookEntry.objects.select_related("appeal", "book__office").get()
    appeal = entry.appeal
    assert body == {
        "id": entry.pk,
        "office": "sc1",
        "year": entry.year,
        "book_number": 1,
        "incoming_number": appeal.incoming_number,
        "access_code": appeal.access_code,
        "registered_on": appeal.registered_on.isoformat(),
        "results_url": "/book/sc1/results/",
    }
    assert (appeal.channel, appeal.office.code, appeal.kind, appeal.text) == (
        "complaint_book",
        "sc1",
        "complaint",
        TEXT,
    )
    assert (entry.source, entry.typed_by, entry.result) == ("kiosk", None, "")
    assert (
        AuditEntry.objects.filter(action="book.entry_created", object_id=str(entry.pk)).count() == 1
    )


def test_b2_no_name_contacts_document_or_reason_is_needed(books: None, client: Client) -> None:
    r = post(client, URL, {"kind": "suggestion", "text": TEXT, "idempotency_key": key()})
    assert r.status_code == 201
    appeal = Appeal.objects.get()
    assert (appeal.applicant_type, appeal.last_name, appeal.phone, appeal.kind) == (
        "anonymous",
        "",
        "",
        "suggestion",
    )


def test_b5_an_anonymous_book_entry_is_considered_but_an_anonymous_letter_is_not(
    books: None, client: Client, token_for
) -> None:
    """Contrast: the same anonymous text by post gets the rules' "not considered" (C-6); in
    the book it is accepted for consideration (B-5)."""
    r = post(client, URL, entry_body())
    assert r.json()["book_number"] == 1
    letter = post(
        client,
        "/api/v1/appeals",
        {"channel": "post", "kind": "complaint", "applicant": {"type": "anonymous"}, "text": TEXT},
        token_for("chancellery"),
    )
    assert letter.status_code == 201
    assert letter.json()["admissibility"] == {
        "decision": "not_considered",
        "reasons": ["anonymous", "no_contact_details"],
    }
    book_appeal = Appeal.objects.get(channel="complaint_book")
    assert (book_appeal.suggested_decision, book_appeal.suggested_reasons) == ("accepted", [])


def test_numbers_are_gapless_per_book_and_year(books: None, client: Client) -> None:
    for _ in range(3):
        assert post(client, URL, entry_body()).status_code == 201
    assert post(client, "/api/v1/book/central/entries", entry_body()).status_code == 201
    # a refused entry takes no number
    assert post(client, URL, entry_body(text="  ")).status_code == 422
    assert post(client, URL, entry_body()).json()["book_number"] == 4
    numbers = sorted(
        BookEntry.objects.filter(book__office__code="sc1").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4]
    assert BookEntry.objects.get(book__office__code="central").number == 1
    assert sorted(BookCounter.objects.values_list("last", flat=True)) == [1, 4]


def test_the_same_key_twice_gives_the_same_entry_never_two(books: None, client: Client) -> None:
    body = entry_body()
    first = post(client, URL, body)
    again = post(client, URL, body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (BookEntry.objects.count(), Appeal.objects.count()) == (1, 1)


def test_a_key_sent_again_with_another_text_is_refused(books: None, client: Client) -> None:
    body = entry_body()
    post(client, URL, body)
    r = post(client, URL, {**body, "text": "Совсем другой текст жалобы о работе кассы."})
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_key_reused"
    assert (BookEntry.objects.count(), Appeal.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"text": ""}, "text_required", "text"),
        ({"text": " \n\t "}, "text_required", "text"),
        ({"text": "ж" * 5001}, "text_too_long", "text"),
        ({"kind": "claim"}, "validation_error", "kind"),
        ({"email": "not-an-address"}, "validation_error", "email"),
        ({"phone": "call me"}, "validation_error", "phone"),
        ({"idempotency_key": "short"}, "validation_error", "idempotency_key"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_stored(
    books: None, client: Client, over: dict, code: str, field: str
) -> None:
    r = post(client, URL, entry_body(**over))
    assert r.status_code == 422, r.json()
    assert r.json()["code"] == code
    assert field in r.json()["fields"]
    assert (BookEntry.objects.count(), Appeal.objects.count(), BookCounter.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_longest_text_is_accepted(books: None, client: Client) -> None:
    r = post(client, URL, entry_body(text="ж" * 5000))
    assert r.status_code == 201


def test_a_megabyte_entry_is_refused_as_too_large(books: None, client: Client) -> None:
    r = post(client, URL, entry_body(text="ж" * 1_000_000))
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"
    assert BookEntry.objects.count() == 0


def test_an_unknown_office_is_404(books: None, client: Client) -> None:
    r = post(client, "/api/v1/book/sc9/entries", entry_body())
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_the_kiosk_endpoint_is_rate_limited_per_client(books: None, client: Client) -> None:
    from abonent.appeals.book.views import ENTRY_LIMIT

    for _ in range(ENTRY_LIMIT):
        assert post(client, URL, entry_body()).status_code == 201
    r = post(client, URL, entry_body())
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    other = post(client, URL, entry_body(), REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 201
    assert BookEntry.objects.count() == ENTRY_LIMIT + 1


def test_the_public_results_show_no_personal_data(books: None, client: Client) -> None:
    post(
        client,
        URL,
        entry_body(
            last_name="Секретова",
            first_name="Айжан",
            phone="+77015550011",
            postal_address="ул. Тайная, 7",
            email="secret@example.kz",
        ),
    )
    r = client.get("/api/v1/book/sc1/results")
    assert r.status_code == 200
    body = r.json()
    entry = BookEntry.objects.get()
    assert body["items"] == [
        {
            "book_number": 1,
            "written_on": timezone.localtime(entry.written_at).date().isoformat(),
            "result": "",
            "result_date": None,
        }
    ]
    raw = r.content.decode()
    for secret in (
        "Секретова",
        "Айжан",
        "5550011",
        "Тайная",
        "secret@",
        "очередь",
        entry.appeal.access_code,
    ):
        assert secret not in raw
