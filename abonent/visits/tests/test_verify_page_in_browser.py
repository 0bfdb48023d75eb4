"""V-3 in headless Chromium on a phone-sized viewport: the consumer types the code from the
notice (lower case, without the dash) into the big input and sees the employee, the
organisation and the visit's date; nothing of the consumer is on the page; a wrong code
gets a clear refusal; the page switches to Kazakh."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consumer_checks_the_employee_on_a_phone(
    demo, clock, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    visit = plan(NEXT_TUESDAY)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/visits/verify/")
    field = page.locator("#id_code")
    expect(field).to_be_visible()
    box = field.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 300
    # nothing scrolls sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    field.fill(code_of(visit).lower())
    page.locator("button.verify-button").click()
    answer = page.locator("#verify-answer")
    expect(answer).to_contain_text("Нурланов Асет")
    expect(answer).to_contain_text("Контролер")
    expect(answer).to_contain_text("01.12.2026")
    expect(answer).to_contain_text("ТОО «Астанаэнергосбыт»")
    body = page.locator("body").inner_text()
    for bit in ["Жанна", "Секретная", "+77019998877", "zhanna@example.kz"]:
        assert bit not in body

    page.locator("#id_code").fill("ZZZZ-ZZZZ")
    page.locator("button.verify-button").click()
    expect(page.locator("#verify-answer.verify-bad")).to_be_visible()
    # the only console messages are the answers' own statuses (404 for the wrong code,
    # the missing favicon): no script errors
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []

    page.locator(".lang-switch button[value=kk]").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
