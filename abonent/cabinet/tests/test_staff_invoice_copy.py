"""PC-2 with C-2 row 4: staff who answer on charges (operators, senior operators,
contact-centre operators, cashiers, the head) print a legal entity's invoice copy for it;
every copy is audited; other roles get 403; an individual's account or a month without a
bill is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.core.models import AuditEntry
from abonent.core.roles import Role

from .conftest import Clock, make_user
from .test_invoice_pdf import pdf_text_chars

PDF = "/staff/cabinet/invoices/2000000003/2026-02.pdf"


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.CASHIER, Role.HEAD, Role.CC_OPERATOR])
def test_staff_print_a_copy_and_it_is_audited(
    client: Client, cabinet_demo: None, role: str
) -> None:
    client.force_login(make_user("staff1", role))
    listing = client.get("/staff/cabinet/invoices/", {"account": "2000000003"})
    assert listing.status_code == 200
    assert f'href="{PDF}?lang=kk"' in listing.content.decode()
    response = client.get(PDF, {"lang": "kk"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert set("ғқңөұі") <= pdf_text_chars(response.content)
    entry = AuditEntry.objects.get(action="cabinet.invoice_copy")
    assert (entry.actor_label, entry.after) == (
        "staff1",
        {"account": "2000000003", "period": "2026-02", "lang": "kk"},
    )


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.CHANCELLERY, Role.INTEGRATION])
def test_other_roles_get_403_and_nothing_is_recorded(
    client: Client, cabinet_demo: None, role: str
) -> None:
    client.force_login(make_user("other", role))
    assert client.get("/staff/cabinet/invoices/").status_code == 403
    assert client.get(PDF).status_code == 403
    assert not AuditEntry.objects.filter(action="cabinet.invoice_copy").exists()


def test_an_individual_or_a_month_without_a_bill_is_404(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    client.force_login(make_user("op", Role.OPERATOR))
    assert client.get("/staff/cabinet/invoices/1000000001/2026-02.pdf").status_code == 404
    assert client.get("/staff/cabinet/invoices/2000000003/2026-03.pdf").status_code == 404
    assert client.get("/staff/cabinet/invoices/2000000003/2026-13.pdf").status_code == 404
    assert client.get("/staff/cabinet/invoices/", {"account": "1000000001"}).status_code == 404
    assert not AuditEntry.objects.filter(action="cabinet.invoice_copy").exists()
