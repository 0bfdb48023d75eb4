"""A login bound to one account (PC-1, review 2 item 8): when billing moves the account to
another consumer, the login no longer reaches it — at once (auth.principal_for) and for
good (the import switches such logins off)."""

from __future__ import annotations

import pytest

from abonent.cabinet import auth
from abonent.cabinet.importing import import_items
from abonent.cabinet.models import Account, CabinetLogin, Consumer


@pytest.mark.django_db
def test_the_principal_has_no_account_of_another_consumer(cabinet_demo: None) -> None:
    login = CabinetLogin.objects.select_related("account", "consumer").get(login="1000000001")
    assert auth.principal_for(login).account_numbers == frozenset({"1000000001"})
    other = Consumer.objects.exclude(pk=login.consumer_id).first()
    assert other is not None
    Account.objects.filter(number="1000000001").update(consumer=other)
    login = CabinetLogin.objects.select_related("account", "consumer").get(login="1000000001")
    assert auth.principal_for(login).account_numbers == frozenset()


@pytest.mark.django_db
def test_the_import_switches_off_a_login_whose_account_moved(cabinet_demo: None) -> None:
    record = {
        "account": "1000000001",
        "consumer": {
            "code": "NEW-OWNER",
            "kind": "individual",
            "segment": "private",
            "name": "Новый Владелец",
        },
    }
    result = import_items([record], name="moved.json")
    assert result.rejections == []
    assert result.counts["logins_deactivated"] == 1
    assert Account.objects.get(number="1000000001").consumer.code == "NEW-OWNER"
    assert CabinetLogin.objects.get(login="1000000001").is_active is False
    assert CabinetLogin.objects.get(login="1000000002").is_active is True
    again = import_items([record], name="moved.json")
    assert "logins_deactivated" not in again.counts
