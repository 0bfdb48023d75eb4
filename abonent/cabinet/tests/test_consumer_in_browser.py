"""Issue #7, done when: in headless Chromium, a consumer signs in, submits a hot-water
reading, sees it in the history and the consumption chart, is refused another's account
and any invoice (nothing leaked), and signs out (the session ends). A legal entity
downloads the current billing month's invoice PDF in Russian and in Kazakh (the Kazakh
letters are in the PDF as text) and cannot download another entity's invoice (the same
answer as for an account that does not exist)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from abonent.cabinet.models import Meter, Reading

from .conftest import Clock
from .test_invoice_pdf import pdf_text_chars

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARCH = date(2026, 3, 1)


def sign_in(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/cabinet/sign-in/")
    page.locator("#id_login").fill(login)
    page.locator("#id_secret").fill("demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/cabinet/")


def test_an_individual_submits_a_reading_and_sees_only_her_own(
    cabinet_demo: None, clock: Clock, auth_clock: Clock, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    meter = Meter.objects.get(serial="HW-1001", account__number="1000000001")
    last = Reading.objects.filter(meter=meter).order_by("-period").first()
    assert last is not None and last.period == date(2026, 2, 1)
    value = last.value + Decimal("3.250")
    shown = f"{value:.3f}".replace(".", ",")

    sign_in(page, base, "1000000001")
    page.locator(f"#value-{meter.pk}").fill(shown)
    page.locator(f"#meter-{meter.pk} form button[type=submit]").click()
    page.wait_for_url(f"{base}/cabinet/accounts/1000000001/#meter-{meter.pk}")
    expect(page.locator(".messages")).to_contain_text(shown)
    row = page.locator(f'#meter-{meter.pk} tr[data-period="2026-03"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(shown)
    expect(row).to_contain_text("3,250")
    stored = Reading.objects.get(meter=meter, period=MARCH)
    assert (stored.value, stored.source, stored.status) == (value, "cabinet", "accepted")

    # The chart: an inline SVG, drawn, one bar per month with March's the newest.
    bars = page.locator(f"#meter-{meter.pk} svg.consumption rect")
    expect(bars).to_have_count(12)
    assert bars.last.get_attribute("data-period") == "2026-03"
    box = page.locator(f"#meter-{meter.pk} svg.consumption").bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    assert int(bars.last.get_attribute("height") or 0) > 0

    # Someone else's account: the same page as for no account at all; nothing of it shown.
    other = page.goto(f"{base}/cabinet/accounts/1000000002/")
    assert other is not None and other.status == 404
    other_text = page.locator("main").inner_text()
    assert "HW-1002" not in page.content() and "Ким" not in page.content()
    missing = page.goto(f"{base}/cabinet/accounts/1999999999/")
    assert missing is not None and missing.status == 404
    assert page.locator("main").inner_text() == other_text

    # Invoice copies are for legal entities: refused, no PDF, whichever account.
    for account in ("1000000001", "2000000001"):
        answer = page.request.get(f"{base}/api/v1/cabinet/invoices/2026-02.pdf?account={account}")
        assert answer.status == 403
        assert not answer.body().startswith(b"%PDF")
    listing = page.request.get(f"{base}/api/v1/cabinet/invoices")
    assert listing.status == 403

    # Signing out ends the session: the cabinet, the API and the account page are closed.
    page.goto(f"{base}/cabinet/")
    page.locator(".cabinet-head form button[type=submit]").click()
    page.wait_for_url(f"{base}/cabinet/sign-in/")
    page.goto(f"{base}/cabinet/accounts/1000000001/")
    assert page.url == f"{base}/cabinet/sign-in/"
    assert page.request.get(f"{base}/api/v1/cabinet/invoices").status == 401
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_legal_entity_downloads_its_invoice_in_ru_and_kk_and_nobody_elses(
    cabinet_demo: None, clock: Clock, auth_clock: Clock, live_server: Any, page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    sign_in(page, base, "bereke@demo.kz")
    # The current billing month is last month: its links come first for each account.
    got: dict[str, bytes] = {}
    for lang in ("ru", "kk"):
        link = page.locator(f'a[download][lang="{lang}"][href*="2026-02.pdf?account=2000000001"]')
        with page.expect_download() as info:
            link.first.click()
        download = info.value
        assert download.suggested_filename == "invoice-2026-02-2000000001.pdf"
        target = tmp_path / f"{lang}.pdf"
        download.save_as(target)
        got[lang] = target.read_bytes()
    assert got["ru"].startswith(b"%PDF-") and got["kk"].startswith(b"%PDF-")
    ru, kk = pdf_text_chars(got["ru"]), pdf_text_chars(got["kk"])
    assert set("Счётфакура") <= ru  # "Счёт-фактура"
    assert set("шотфакураЖеткізушіҚС") <= kk and set("ғқңөұі") <= kk  # "шот-фактура", "ҚҚС"
    assert got["ru"] != got["kk"] and "ё" not in kk  # two languages, not one file twice

    # Another entity's account: refused exactly like an account that does not exist.
    other = page.request.get(f"{base}/api/v1/cabinet/invoices/2026-02.pdf?account=2000000003")
    missing = page.request.get(f"{base}/api/v1/cabinet/invoices/2026-02.pdf?account=2999999999")
    assert (other.status, missing.status) == (403, 403)
    assert other.body() == missing.body()
    assert not other.body().startswith(b"%PDF")
    refused = page.goto(f"{base}/cabinet/accounts/2000000003/")
    assert refused is not None and refused.status == 404
    assert "Балабақша" not in page.content()
