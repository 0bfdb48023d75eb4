"""CC-8 in headless Chromium: the contact-centre operator logs in, opens the card of the call
they took, registers the caller's complaint and sees the incoming number to read out."""

from __future__ import annotations

from typing import Any

import pytest

from abonent.appeals.models import Appeal
from abonent.calls.models import Call
from abonent.core.auth import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cc8_the_operator_registers_a_complaint_and_reads_the_number(
    answered: str, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    card = f"{live_server.url}/staff/calls/{answered}/"
    page.goto(f"{live_server.url}/staff/login/?next=/staff/calls/{answered}/")
    page.locator("#id_username").fill("cc_operator")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(card)
    expect(page.locator("h1")).to_contain_text("+77011234567")

    page.locator("input[name=outcome][value=complaint]").check()
    expect(page.locator("#id_last_name")).to_be_visible()
    page.locator("#id_topic").select_option("charges")
    page.locator("#id_answer").fill("Жалоба принята, ответ в течение 15 рабочих дней.")
    page.locator("#id_last_name").fill("Сейткали")
    page.locator("#id_first_name").fill("Айжан")
    page.locator("#id_postal_address").fill("г. Астана, ул. Примерная, 5")
    page.locator("#id_complaint_text").fill("Начислили по нормативу, хотя показания переданы.")
    page.locator("form.cc-outcome button[type=submit]").click()

    appeal = Appeal.objects.get()
    expect(page.locator("#incoming-number")).to_have_text(appeal.incoming_number)
    assert page.url == card + "#outcome"
    assert (appeal.channel, appeal.phone, appeal.last_name) == ("phone", "+77011234567", "Сейткали")
    assert list(Call.objects.get(call_id=answered).appeals.all()) == [appeal]
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
