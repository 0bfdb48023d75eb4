"""The invoice copy's period (PC-2, review 2 item 3): ``0000-01`` names no month (Python has
no year 0: it was a 500) — 422 like any malformed period; a month without a bill is 404.
The staff copy answers 404."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.core.roles import Role

from .conftest import Clock, make_user, sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["0000-01", "0999-12", "1899-12", "2101-01", "2026-13"])
def test_an_impossible_period_is_422(
    client: Client, cabinet_demo: None, auth_clock: Clock, period: str
) -> None:
    assert sign_in(client, "bereke@demo.kz").status_code == 302
    response = client.get(f"/api/v1/cabinet/invoices/{period}.pdf")
    assert response.status_code == 422
    assert response.json()["fields"] == {"period": ["YYYY-MM"]}


@pytest.mark.django_db
def test_a_month_without_a_bill_is_404(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    assert sign_in(client, "bereke@demo.kz").status_code == 302
    assert client.get("/api/v1/cabinet/invoices/1999-01.pdf").status_code == 404
    assert client.get("/api/v1/cabinet/invoices/2026-02.pdf").status_code == 200


@pytest.mark.django_db
def test_the_staff_copy_of_year_zero_is_404(client: Client, cabinet_demo: None) -> None:
    client.force_login(make_user("cc2", Role.CC_OPERATOR))
    response = client.get("/staff/cabinet/invoices/2000000003/0000-01.pdf")
    assert response.status_code == 404
