"""The kiosk in headless Chromium (Debian's), driven by Playwright (Q-2): a consumer taps a
service, the ticket screen shows the number, and the receipt's print stylesheet fits the
kiosk's paper (80 mm by default, 58 mm with ?paper=58, remembered)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from abonent.equeue.models import Ticket
from abonent.equeue.tests.conftest import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM = 96 / 25.4  # CSS pixels per millimetre
PT = 72 / 25.4  # PDF points per millimetre


def pdf_pages(page: Any) -> list[tuple[int, int]]:
    """The pages of the printout, width × height in whole millimetres."""
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    return [(round(float(w) / PT), round(float(h) / PT)) for w, h in boxes]


def test_a_consumer_taps_a_service_and_gets_a_printed_ticket(
    demo: None, clock: Clock, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    # Count the prints on the page itself (the kiosk prints silently, --kiosk-printing).
    page.add_init_script(
        "window.print = () => { const d = document.body.dataset;"
        " d.printed = String(Number(d.printed || 0) + 1); };"
    )
    page.goto(live_server.url + "/queue/sc1/kiosk/")
    button = page.locator('button[data-service="billing"]')
    box = button.bounding_box()
    assert box is not None and box["height"] >= 64
    button.click()
    page.wait_for_url(live_server.url + "/queue/sc1/kiosk/ticket/*/")

    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.service.code) == ("B001", "billing")
    expect(page.locator("#ticket-number")).to_have_text("B001")
    expect(page.locator("#position")).to_have_text("1")
    expect(page.locator("body")).to_have_attribute("data-printed", "1")

    assert pdf_pages(page) == [(80, 120)]

    page.emulate_media(media="print")
    width = page.locator(".ticket").evaluate("e => e.getBoundingClientRect().width")
    assert 0 < width <= 80 * MM
    expect(page.locator(".kiosk-top")).to_be_hidden()
    page.emulate_media(media="screen")

    # The language switch on the ticket screen keeps the ticket and does not print it again.
    url = page.url
    page.locator('.lang-switch button[value="kk"]').click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert page.url == url
    expect(page.locator("#ticket-number")).to_have_text("B001")
    page.wait_for_timeout(1000)  # the print would come 0.3 s after the page is shown
    assert page.locator("body").get_attribute("data-printed") is None
    assert Ticket.objects.count() == 1
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_paper_width_is_remembered_by_the_kiosk(
    demo: None, clock: Clock, live_server: Any, page: Any
) -> None:
    # The ticket screen prints itself 0.3 s after it is shown; Chromium refuses a second
    # print (page.pdf below) while one is under way.
    page.add_init_script("window.print = () => {};")
    page.goto(live_server.url + "/queue/sc1/kiosk/?paper=58")
    page.goto(live_server.url + "/queue/sc1/kiosk/")  # no query string: the cookie remembers
    page.locator('button[data-service="household"]').click()
    page.wait_for_url(live_server.url + "/queue/sc1/kiosk/ticket/*/")

    assert page.locator("html").get_attribute("class") == "paper-58"
    assert pdf_pages(page) == [(58, 110)]
    page.emulate_media(media="print")
    width = page.locator(".ticket").evaluate("e => e.getBoundingClientRect().width")
    assert 0 < width <= 58 * MM
