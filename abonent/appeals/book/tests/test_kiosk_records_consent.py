"""W-8 at the complaint-book kiosk: details stay optional (B-2), but whoever leaves them
agrees to their processing, and that consent is recorded with the entry."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from abonent.appeals.book.models import BookEntry
from abonent.appeals.book.tests.test_pages_public import URL, form
from abonent.appeals.forms import CONSENT_VERSION
from abonent.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def test_details_without_consent_are_refused_and_nothing_is_stored(
    books: None, client: Client
) -> None:
    r = client.post(URL, form(client, last_name="Сейтқали", phone="+77011234567"))
    assert r.status_code == 422
    assert r.context["form"].errors["consent"]
    assert (BookEntry.objects.count(), Appeal.objects.count()) == (0, 0)


def test_details_with_consent_record_the_consent_on_the_appeal(books: None, client: Client) -> None:
    r = client.post(URL, form(client, last_name="Сейтқали", phone="+77011234567", consent="on"))
    assert r.status_code == 302
    appeal = BookEntry.objects.get().appeal
    assert (appeal.last_name, appeal.consent_version) == ("Сейтқали", CONSENT_VERSION)
    assert appeal.consent_at is not None


def test_an_anonymous_entry_needs_no_consent_and_records_none(books: None, client: Client) -> None:
    r = client.post(URL, form(client))
    assert r.status_code == 302
    appeal = BookEntry.objects.get().appeal
    assert (appeal.consent_version, appeal.consent_at) == ("", None)


def test_the_kiosk_shows_the_notice_in_kazakh(books: None, client: Client) -> None:
    client.cookies["abonent_lang"] = "kk"
    page = client.get(URL).content.decode()
    assert 'name="consent"' in page
    with translation.override("kk"):
        from abonent.appeals.book.forms import KioskForm

        assert str(KioskForm.base_fields["consent"].label) in page
