"""Staff never see a consumer's secret: it is stored hashed and not in the audit log."""

from __future__ import annotations

from abonent.cabinet import auth
from abonent.cabinet.models import Account, CabinetLogin
from abonent.core.models import AuditEntry


def test_an_issued_secret_is_only_hashed(cabinet_demo: None) -> None:
    account = Account.objects.get(number="1000000001")
    CabinetLogin.objects.filter(login="1000000001").delete()
    login, raw = auth.issue_secret(account=account, actor=None)
    assert (login.login, login.account_id, login.consumer_id) == (
        "1000000001",
        account.pk,
        account.consumer_id,
    )
    assert len(raw) == 14 and raw not in login.secret_hash
    assert not any(
        raw in str(row) for row in AuditEntry.objects.values_list("before", "after", "note")
    )
    assert auth.sign_in(login="1000000001", secret=raw) == login


def test_a_representative_gets_a_login_of_their_own(cabinet_demo: None) -> None:
    account = Account.objects.get(number="2000000003")
    login, raw = auth.issue_secret(
        account=account, representative=("Acc@Bala7.KZ", "Ахметова Дана"), actor=None
    )
    assert (login.login, login.account_id, login.name) == ("acc@bala7.kz", None, "Ахметова Дана")
    principal = auth.principal_for(auth.sign_in(login="acc@bala7.kz", secret=raw))
    assert principal.account_numbers == frozenset({"2000000003"})
