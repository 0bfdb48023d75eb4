"""The kiosk page in headless Chromium (Debian's), driven by Playwright: a consumer writes a
complaint in the book and sees its number in the book and its incoming number (B-1, B-2)."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.appeals.book.models import BookEntry
from abonent.appeals.book.tests.helpers import TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consumer_writes_in_the_book_at_the_kiosk(
    books: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/book/sc1/")
    page.get_by_role("radio", name="Предложение").check()
    page.locator("#id_text").fill(TEXT)
    page.locator("#id_phone").fill("+7 701 555 44 33")
    page.locator("#id_consent").check()  # W-8: details are left with consent
    page.locator("form.book-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/book/sc1/sent/")

    entry = BookEntry.objects.select_related("appeal").get()
    expect(page.locator("[data-book-number]")).to_have_text(str(entry.number))
    expect(page.locator("[data-incoming-number]")).to_have_text(entry.appeal.incoming_number)
    expect(page.locator("[data-access-code]")).to_have_text(entry.appeal.access_code)
    assert (entry.number, entry.appeal.kind, entry.appeal.phone, entry.appeal.channel) == (
        1,
        "suggestion",
        "+77015554433",
        "complaint_book",
    )
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
