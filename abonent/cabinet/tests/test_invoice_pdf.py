"""PC-2: a legal entity downloads its invoice copy (счёт-фактура) of a month as a PDF in ru or
kk with the Kazakh letters as text; an individual, another entity's account, a month without
a bill and a malformed month get clear 4xx answers."""

from __future__ import annotations

import re
import zlib
from datetime import date

import pytest
from django.test import Client

from abonent.cabinet.invoice import invoice_context, invoice_html
from abonent.cabinet.models import Bill

from .conftest import Clock, sign_in

FEB = "2026-02"
KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"


def pdf_text_chars(pdf: bytes) -> set[str]:
    """The characters the PDF's fonts map glyphs to (their ToUnicode maps): the text."""
    chars: set[str] = set()
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        if b"beginbfchar" not in data and b"beginbfrange" not in data:
            continue
        for hexes in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", data):
            target = hexes[1].decode()
            if len(target) % 4 == 0:
                chars |= {chr(int(target[i : i + 4], 16)) for i in range(0, len(target), 4)}
    return chars


@pytest.fixture
def bereke(client: Client, cabinet_demo: None, auth_clock: Clock) -> Client:
    sign_in(client, "bereke@demo.kz")
    return client


def test_the_entity_gets_a_kazakh_pdf_with_kazakh_letters(bereke: Client) -> None:
    response = bereke.get(f"/api/v1/cabinet/invoices/{FEB}.pdf?account=2000000001&lang=kk")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{FEB}-2000000001.pdf"'
    assert response.content.startswith(b"%PDF-")
    chars = pdf_text_chars(response.content)
    bill = Bill.objects.select_related("account__consumer").get(
        account__number="2000000001", period=date(2026, 2, 1)
    )
    used = set(invoice_html([bill], "kk", date(2026, 3, 10))) & set(KAZAKH)
    assert used >= set("ғқңөұіҚӨ")
    assert used <= chars, used - chars


def test_the_russian_copy_has_the_russian_wording(bereke: Client) -> None:
    response = bereke.get(f"/api/v1/cabinet/invoices/{FEB}.pdf?account=2000000001&lang=ru")
    assert response.status_code == 200
    assert set("Счёт-фактура") <= pdf_text_chars(response.content)


def test_the_invoice_holds_the_billing_data(cabinet_demo: None) -> None:
    bill = Bill.objects.select_related("account__consumer").get(
        account__number="2000000001", period=date(2026, 2, 1)
    )
    ctx = invoice_context(bill, "kk", date(2026, 3, 10))
    assert ctx["title"] == f"01.03.2026 ж. № {bill.number} шот-фактура"
    assert ctx["copy"] == "Көшірме, жеке кабинетте 10.03.2026 жасалған"
    assert (ctx["buyer"]["name"], ctx["buyer"]["bin"], ctx["account"]) == (
        "ТОО «Береке Сауда»",
        "150940012345",
        "2000000001",
    )
    assert ctx["contract"] == "15.01.2019 ж. № ТЭ-2019/0457"
    first = ctx["lines"][0]
    assert (
        first.name,
        first.unit,
        first.quantity,
        first.price,
        first.net,
        first.vat_rate,
        first.vat,
        first.total,
    ) == (
        "Жылу энергиясы",
        "Гкал",
        "14,3",
        "6\u00a0120,00",
        "87\u00a0516,00",
        "16 %",
        "14\u00a0002,56",
        "101\u00a0518,56",
    )
    assert ctx["sum"]["total"] == f"{bill.amount_total:,.2f}".replace(",", "\u00a0").replace(
        ".", ","
    )
    html = invoice_html([bill], "ru", date(2026, 3, 10))
    assert "Тепловая энергия" in html and "Счёт-фактура №" in html and 'lang="ru"' in html


def test_without_an_account_every_account_of_the_entity_is_a_page(bereke: Client) -> None:
    from weasyprint import HTML

    response = bereke.get(f"/api/v1/cabinet/invoices/{FEB}.pdf")
    assert (response.status_code, response["Content-Disposition"]) == (
        200,
        f'attachment; filename="invoice-{FEB}.pdf"',
    )
    bills = list(
        Bill.objects.filter(
            account__number__startswith="200000000",
            period=date(2026, 2, 1),
            account__consumer__code="D-1001",
        ).select_related("account__consumer")
    )
    assert len(bills) == 2
    assert len(HTML(string=invoice_html(bills, "ru", date(2026, 3, 10))).render().pages) == 2


def test_earlier_months_are_listed(bereke: Client) -> None:
    listed = bereke.get("/api/v1/cabinet/invoices").json()
    assert len(listed) == 24
    assert listed[0] == {
        "account": "2000000001",
        "period": FEB,
        "number": listed[0]["number"],
        "issued_on": "2026-03-01",
        "total": listed[0]["total"],
        "url": f"/api/v1/cabinet/invoices/{FEB}.pdf?account=2000000001",
    }
    assert {i["account"] for i in listed} == {"2000000001", "2000000002"}
    assert listed[-1]["period"] == "2025-03"


def test_another_entitys_invoice_is_forbidden(bereke: Client) -> None:
    response = bereke.get(f"/api/v1/cabinet/invoices/{FEB}.pdf?account=2000000003")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_an_individual_gets_no_invoice(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.get(f"/api/v1/cabinet/invoices/{FEB}.pdf")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert client.get("/api/v1/cabinet/invoices").status_code == 403


def test_a_month_without_a_bill_is_404_and_a_bad_month_422(bereke: Client) -> None:
    assert bereke.get("/api/v1/cabinet/invoices/2026-03.pdf").json()["code"] == "not_found"
    bad = bereke.get("/api/v1/cabinet/invoices/2026-13.pdf")
    assert (bad.status_code, bad.json()["code"]) == (422, "validation_error")


def test_no_session_is_401(client: Client, cabinet_demo: None) -> None:
    assert client.get(f"/api/v1/cabinet/invoices/{FEB}.pdf").status_code == 401
