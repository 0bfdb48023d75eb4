"""The cabinet's home page: balance, bills, meters with history and chart, invoice links
for legal entities, bank details; a fixed number of queries however many meters."""

from __future__ import annotations

from typing import Any

from django.test import Client

from .conftest import Clock, sign_in


def test_an_individual_sees_balance_bills_meters_and_how_to_pay(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000003")
    page = client.get("/cabinet/").content.decode()
    assert "HW-1003" in page and "EL-1003" in page
    assert '<svg class="consumption" role="img"' in page and '<rect x="8" y="' in page
    assert "https://kaspi.kz/pay" in page
    assert "/api/v1/cabinet/invoices/" not in page


def test_a_legal_entity_gets_invoice_links_in_both_languages(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "bala7@demo.kz")
    page = client.get("/cabinet/").content.decode()
    assert "/api/v1/cabinet/invoices/2026-02.pdf?account=2000000003&amp;lang=kk" in page
    assert "/api/v1/cabinet/invoices/2025-03.pdf?account=2000000003&amp;lang=ru" in page


def test_the_page_takes_a_fixed_number_of_queries(
    client: Client, cabinet_demo: None, auth_clock: Clock, django_assert_max_num_queries: Any
) -> None:
    sign_in(client, "bereke@demo.kz")
    with django_assert_max_num_queries(9):
        response = client.get("/cabinet/")
    assert response.status_code == 200
