"""The staff pages: the books, their entries (own office only for operators), typing in a
paper entry, recording the result (B-6) and attaching the scan of the answer (B-5)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from abonent.appeals.book.models import BookEntry, EntryFile
from abonent.appeals.book.tests.helpers import MEASURES, PDF, PNG, REASONS, TEXT, make_entry
from abonent.appeals.models import Answer

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password="demo")
    return client


def token_of(page: str) -> str:
    m = re.search(r'name="token" value="([^"]+)"', page)
    assert m
    return m.group(1)


def test_the_books_page_lists_the_books_the_user_may_open(books: None, client: Client) -> None:
    page = login(client, "chancellery").get("/staff/book/").content.decode()
    assert re.findall(r'data-book="(\w+)"', page) == ["central", "sc1", "sc2", "sc3", "sc4"]
    client.logout()
    page = login(client, "operator").get("/staff/book/").content.decode()
    assert re.findall(r'data-book="(\w+)"', page) == ["sc1"]
    client.logout()
    assert login(client, "cashier").get("/staff/book/").status_code == 403


def test_staff_pages_need_a_log_in(books: None, client: Client) -> None:
    r = client.get("/staff/book/sc1/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_operators_open_only_their_own_offices_book(books: None, client: Client) -> None:
    mine, other = make_entry("sc1", last_name="Омарова"), make_entry("central")
    login(client, "operator")
    r = client.get("/staff/book/sc1/")
    assert r.status_code == 200
    assert "Омарова" in r.content.decode()
    assert client.get("/staff/book/central/").status_code == 403
    assert client.get(f"/staff/book/entries/{other.pk}/").status_code == 403
    assert client.get(f"/staff/book/entries/{mine.pk}/").status_code == 200
    assert client.get("/staff/book/central/book.pdf").status_code == 403


def test_the_entries_page_filters_and_pages_with_a_capped_number_of_queries(
    books: None, client: Client, django_assert_max_num_queries
) -> None:
    for i in range(52):
        make_entry("sc1", last_name=f"Писатель{i}", phone="+77015554433")
    login(client, "head")
    with django_assert_max_num_queries(12):
        r = client.get("/staff/book/sc1/?state=open")
    page = r.content.decode()
    assert len(re.findall(r'<tr data-entry="\d+">', page)) == 50
    assert 'rel="next"' in page
    r = client.get("/staff/book/sc1/?state=open&page=2")
    assert len(re.findall(r'<tr data-entry="\d+">', r.content.decode())) == 2
    r = client.get("/staff/book/sc1/?state=with_result")
    assert len(re.findall(r'<tr data-entry="\d+">', r.content.decode())) == 0
    assert client.get("/staff/book/sc1/?state=bogus").status_code == 422


def test_an_operator_types_in_a_paper_entry_with_its_scanned_page(
    books: None, client: Client
) -> None:
    login(client, "operator")
    page = client.get("/staff/book/sc1/new/").content.decode()
    data = {
        "token": token_of(page),
        "written_on": "2026-03-02",
        "written_time": "11:30",
        "kind": "suggestion",
        "text": TEXT,
        "last_name": "Ким",
        "page_scan": SimpleUploadedFile("page.png", PNG, content_type="image/png"),
    }
    r = client.post("/staff/book/sc1/new/", data)
    entry = BookEntry.objects.select_related("appeal").get()
    assert (r.status_code, r["Location"]) == (302, f"/staff/book/entries/{entry.pk}/")
    assert (entry.source, entry.typed_by.username, entry.year, entry.number) == (
        "paper",
        "operator",
        2026,
        1,
    )
    assert entry.appeal.registered_by.username == "operator"
    assert entry.appeal.received_at.isoformat() == "2026-03-02T06:30:00+00:00"
    (scan,) = EntryFile.objects.all()
    assert (scan.kind, scan.content_type, scan.uploaded_by.username) == (
        "page",
        "image/png",
        "operator",
    )


def test_a_paper_entry_with_a_fake_scan_is_refused_whole(books: None, client: Client) -> None:
    login(client, "operator")
    page = client.get("/staff/book/sc1/new/").content.decode()
    data = {
        "token": token_of(page),
        "written_on": "2026-03-02",
        "kind": "complaint",
        "text": TEXT,
        "page_scan": SimpleUploadedFile(
            "page.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        ),
    }
    r = client.post("/staff/book/sc1/new/", data)
    assert r.status_code == 422
    assert (BookEntry.objects.count(), EntryFile.objects.count()) == (0, 0)


def test_a_paper_entry_cannot_be_dated_in_the_future(books: None, client: Client) -> None:
    login(client, "operator")
    page = client.get("/staff/book/sc1/new/").content.decode()
    data = {"token": token_of(page), "written_on": "2099-01-01", "kind": "complaint", "text": TEXT}
    r = client.post("/staff/book/sc1/new/", data)
    assert r.status_code == 422
    assert BookEntry.objects.count() == 0


def test_an_operator_of_another_office_cannot_type_in(books: None, client: Client) -> None:
    login(client, "operator")
    assert client.get("/staff/book/central/new/").status_code == 403


def test_b6_the_responsible_person_records_the_result_on_the_entry_page(
    books: None, client: Client
) -> None:
    entry = make_entry("sc1", last_name="Омарова", postal_address="ул. Кенесары, 40")
    login(client, "head")
    page = client.get(f"/staff/book/entries/{entry.pk}/").content.decode()
    assert 'id="action-result"' in page
    r = client.post(
        f"/staff/book/entries/{entry.pk}/result/",
        {"result": "refused", "measures": MEASURES, "method": "post", "reasons": ""},
    )
    assert r.status_code == 422
    assert "reasons" in r.context["result_form"].errors
    r = client.post(
        f"/staff/book/entries/{entry.pk}/result/",
        {"result": "refused", "measures": MEASURES, "method": "post", "reasons": REASONS},
        follow=True,
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-result="refused"' in page
    assert "Касымов, Начальник сервис-центра" in page
    answer = Answer.objects.get(appeal=entry.appeal)
    assert (answer.method, answer.reasons) == ("post", REASONS)
    assert 'id="action-result"' not in page


def test_a_user_who_may_not_record_gets_403_and_no_form(books: None, client: Client) -> None:
    entry = make_entry("sc1")
    login(client, "operator")
    page = client.get(f"/staff/book/entries/{entry.pk}/").content.decode()
    assert 'id="action-result"' not in page
    r = client.post(
        f"/staff/book/entries/{entry.pk}/result/",
        {"result": "satisfied", "measures": MEASURES, "method": "book_record"},
    )
    assert r.status_code == 403
    entry.refresh_from_db()
    assert entry.result == ""


def test_b5_the_executor_attaches_the_scanned_answer_to_an_anonymous_entry(
    books: None, client: Client
) -> None:
    from django.contrib.auth import get_user_model

    from abonent.appeals.book.services import record_result

    entry = make_entry("central")
    record_result(
        entry=entry,
        result="satisfied",
        measures=MEASURES,
        method="book_record",
        actor=get_user_model().objects.get(username="chancellery"),
    )
    entry.appeal.executor = get_user_model().objects.get(username="executor")
    entry.appeal.save(update_fields=["executor"])
    login(client, "executor")
    url = f"/staff/book/entries/{entry.pk}/"
    assert "scan-expected" in client.get(url).content.decode()

    fake = SimpleUploadedFile(
        "answer.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    r = client.post(url + "scans/", {"kind": "answer", "file": fake})
    assert r.status_code == 422
    assert EntryFile.objects.count() == 0

    good = SimpleUploadedFile("answer.pdf", PDF, content_type="application/pdf")
    r = client.post(url + "scans/", {"kind": "answer", "file": good}, follow=True)
    assert r.status_code == 200
    assert "scan-expected" not in r.content.decode()
    stored = EntryFile.objects.get()
    download = client.get(f"{url}files/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_too_large_scan_is_refused(books: None, client: Client) -> None:
    from abonent.appeals.book import files

    entry = make_entry("central")
    login(client, "chancellery")
    big = SimpleUploadedFile("answer.pdf", PDF + b"0" * files.MAX_SCAN_SIZE)
    r = client.post(f"/staff/book/entries/{entry.pk}/scans/", {"kind": "answer", "file": big})
    assert r.status_code == 413
    assert EntryFile.objects.count() == 0


def test_the_printable_book_page_renders(books: None, client: Client) -> None:
    entry = make_entry("sc1")
    login(client, "head")
    r = client.get(f"/staff/book/sc1/book.pdf?year={entry.year}")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert client.get("/staff/book/sc1/book.pdf?year=abc").status_code == 422


def test_a_paper_entry_dated_before_the_calendar_is_refused_not_crashed(
    books: None, client: Client
) -> None:
    """Bad input: a year the working-day calendar does not know gives 422, nothing stored."""
    login(client, "operator")
    for day in ("1999-12-31", "0001-01-01"):
        page = client.get("/staff/book/sc1/new/").content.decode()
        data = {"token": token_of(page), "written_on": day, "kind": "complaint", "text": TEXT}
        r = client.post("/staff/book/sc1/new/", data)
        assert r.status_code == 422, day
    assert not BookEntry.objects.exists()


def test_todays_paper_entry_without_a_time_is_not_in_the_future(
    books: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed in at 08:10 with the time left empty: received now, not at 09:00 (B-1)."""
    from datetime import datetime

    from django.utils import timezone

    from abonent.appeals.book.forms import PaperEntryForm
    from abonent.workdays.calendar import TIMEZONE

    early = datetime(2026, 3, 2, 8, 10, tzinfo=TIMEZONE)
    monkeypatch.setattr(timezone, "now", lambda: early)
    form = PaperEntryForm(data={"written_on": "2026-03-02", "kind": "complaint", "text": TEXT})
    form.cleaned_data = {"written_on": early.date(), "written_time": None}
    assert form.written_at() == early
    form.cleaned_data = {"written_on": datetime(2026, 2, 27).date(), "written_time": None}
    assert form.written_at() == datetime(2026, 2, 27, 9, 0, tzinfo=TIMEZONE)
