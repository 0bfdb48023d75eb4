"""PC-1, issue #7: "the consumer sees the history with a consumption chart" — the account
page shows every meter's reading history and an inline SVG bar chart of monthly
consumption; another consumer's account and one that does not exist get the same 404."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from .conftest import Clock, sign_in


def same_page(html: bytes) -> str:
    """The page without what differs on every response (CSP nonce, CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", html.decode())


def test_the_account_page_has_the_history_and_the_chart(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.get("/cabinet/accounts/1000000001/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "HW-1001" in page
    # Twelve months of readings: eleven monthly consumptions, one bar each.
    assert page.count('<svg class="consumption"') == 1
    assert page.count("<rect ") == 11
    assert page.count('<tr data-period="') == 12
    assert 'data-period="2026-02"' in page and 'data-period="2025-03"' in page
    # Billing sends readings without the consumption: the page works it out.
    assert '<tr data-period="2026-02"><td>02.2026</td><td>357,117</td><td>4,100</td>' in page
    assert '<tr data-period="2025-03"><td>03.2025</td><td>316,517</td><td>—</td>' in page


def test_someone_elses_account_looks_like_no_account(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    other = client.get("/cabinet/accounts/1000000002/")
    missing = client.get("/cabinet/accounts/1999999999/")
    assert (other.status_code, missing.status_code) == (404, 404)
    assert same_page(other.content) == same_page(missing.content)
    assert "HW-1002" not in other.content.decode()


def test_signed_out_goes_to_sign_in(client: Client, cabinet_demo: None) -> None:
    response = client.get("/cabinet/accounts/1000000001/")
    assert (response.status_code, response["Location"]) == (302, "/cabinet/sign-in/")


def test_a_reading_leads_to_the_account_page(
    client: Client, cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.post(
        "/cabinet/readings/", {"account": "1000000001", "meter": "HW-1001", "value": "360,5"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/cabinet/accounts/1000000001/#meter-")
    page = client.get("/cabinet/accounts/1000000001/").content.decode()
    assert 'data-period="2026-03"' in page and "360,500" in page


def test_the_page_takes_a_fixed_number_of_queries(
    client: Client, cabinet_demo: None, auth_clock: Clock, django_assert_max_num_queries: Any
) -> None:
    sign_in(client, "1000000002")
    with django_assert_max_num_queries(9):
        response = client.get("/cabinet/accounts/1000000002/")
    assert response.status_code == 200
