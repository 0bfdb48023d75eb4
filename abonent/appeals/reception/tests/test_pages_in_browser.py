"""K-7, W-7 in headless Chromium: the Chancellery books a slot on a written appeal from the
board and reads the announcement out; the public schedule in Kazakh (no CSP errors)."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.appeals.reception.models import Booking, Weekday

from .conftest import add_hours, make_slot, new_appeal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chancellery_books_a_written_appeal_from_the_board(
    official, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    slot = make_slot(official, days=2)
    appeal = new_appeal()
    page.goto(live_server.url + "/staff/reception/")
    page.locator("#id_username").fill("chancellery")
    page.locator("#id_password").fill("demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/staff/reception/")
    page.console_errors.clear()

    row = page.locator(f"tr[data-slot='{slot.pk}']")
    expect(row).to_have_attribute("data-state", "free")
    row.get_by_role("link", name="Записать").click()
    page.wait_for_url(live_server.url + f"/staff/reception/slots/{slot.pk}/book/")
    page.locator("#written_incoming_number").fill(appeal.incoming_number)
    page.locator("#action-written button[type=submit]").click()
    page.wait_for_url("**/staff/reception/bookings/*/")
    booking = Booking.objects.get()
    assert booking.appeal_id == appeal.pk
    expect(page.locator("#announcement")).to_contain_text(
        "Вы записаны на личный прием к Тулегенов Марат"
    )
    expect(page.locator("[data-mark=from_reception]").first).to_have_text("С приема")

    page.goto(live_server.url + "/staff/reception/")
    expect(page.locator(f"tr[data-slot='{slot.pk}']")).to_have_attribute("data-state", "taken")
    expect(page.locator(f"tr[data-slot='{slot.pk}']")).to_contain_text(appeal.incoming_number)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_public_schedule_in_kazakh(official, live_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    add_hours(official, Weekday.TUESDAY, "14:00", "17:00", 20)
    page.goto(live_server.url + "/reception/")
    page.get_by_role("button", name="Қаз").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Азаматтарды қабылдау кестесі")
    expect(page.locator("#reception-schedule")).to_contain_text("Сейсенбі, 14:00–17:00")
    expect(page.locator("#sign-up")).to_contain_text("+7 7172 00-00-00")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
