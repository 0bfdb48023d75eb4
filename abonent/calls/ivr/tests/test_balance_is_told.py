"""The balance of an account (C-2 row 4) as the billing system last reported it: a debt,
an overpayment or nothing owed; an unknown account is a failed try."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from abonent.cabinet.models import Account
from abonent.calls.ivr.tests.conftest import DEBTOR
from abonent.calls.ivr.tests.fake_pbx import FakePbx


@pytest.mark.parametrize(
    ("balance", "on", "said"),
    [
        (
            "12345.50",
            date(2026, 3, 1),
            "На 01.03.2026 задолженность по лицевому счёту составляет 12 345,50 тенге.",
        ),
        (
            "-1500",
            date(2026, 3, 1),
            "На 01.03.2026 переплата по лицевому счёту составляет 1 500,00 тенге.",
        ),
        ("0", date(2026, 2, 1), "На 01.02.2026 задолженности по лицевому счёту нет."),
        ("999.99", None, "Баланс лицевого счёта: 999,99 тенге."),
    ],
)
def test_the_balance_is_said(
    pbx: FakePbx, accounts: object, balance: str, on: date | None, said: str
) -> None:
    Account.objects.filter(number=DEBTOR).update(balance=Decimal(balance), balance_on=on)
    pbx.dial()
    pbx.press("1")
    pbx.press("3")
    turn = pbx.step(DEBTOR)
    assert (turn.status, turn.action, turn.prompt) == (200, "play", said)


def test_an_inactive_account_is_unknown(pbx: FakePbx, accounts: object) -> None:
    Account.objects.filter(number=DEBTOR).update(is_active=False)
    pbx.dial()
    pbx.press("1")
    pbx.press("3")
    turn = pbx.step(DEBTOR)
    assert (turn.status, turn.code) == (422, "unknown_account")
