"""Demo data (issue #7 part 1): three individuals (2 МЖФ, 1 private sector) and two legal
entities with accounts, meters, 12 months of readings and bills, and payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from abonent.cabinet import services
from abonent.cabinet.demo import load_cabinet_demo
from abonent.cabinet.models import Account, Bill, Consumer, Meter, Payment, Reading
from abonent.core.errors import InvalidInput

from .conftest import Clock

TODAY = date(2026, 3, 10)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Consumer, Account, Meter, Reading, Bill, Payment))


def test_the_demo_holds_who_the_issue_asks_for(db: None) -> None:
    result = load_cabinet_demo(today=TODAY)
    assert result.rejections == []
    kinds = sorted(Consumer.objects.values_list("kind", "segment"))
    assert kinds == [
        ("individual", "mzhf"),
        ("individual", "mzhf"),
        ("individual", "private"),
        ("legal_entity", ""),
        ("legal_entity", ""),
    ]
    assert counts() == (5, 6, 10, 120, 72, 70)
    periods = sorted(set(Bill.objects.values_list("period", flat=True)))
    assert (periods[0], periods[-1], len(periods)) == (date(2025, 3, 1), date(2026, 2, 1), 12)


def test_running_it_again_changes_nothing(db: None) -> None:
    load_cabinet_demo(today=TODAY)
    before = counts(), list(Account.objects.order_by("number").values_list("number", "balance"))
    load_cabinet_demo(today=TODAY)
    assert (
        counts(),
        list(Account.objects.order_by("number").values_list("number", "balance")),
    ) == before


def test_balances_are_bills_minus_payments(db: None) -> None:
    load_cabinet_demo(today=TODAY)
    for account in Account.objects.all():
        billed = Bill.objects.filter(account=account).aggregate(s=Sum("amount_total"))["s"]
        paid = Payment.objects.filter(account=account).aggregate(s=Sum("amount"))["s"]
        assert account.balance == billed - paid, account.number
        assert account.balance_on == date(2026, 3, 1)
    debtor = Account.objects.get(number="1000000003")
    assert debtor.balance > 0
    assert Account.objects.filter(balance=0).count() == 5


def test_vat_follows_the_year(db: None) -> None:
    load_cabinet_demo(today=TODAY)
    bills = Bill.objects.filter(account__number="2000000001")
    assert {b.vat_rate for b in bills if b.period.year == 2025} == {Decimal(12)}
    assert {b.vat_rate for b in bills if b.period.year == 2026} == {Decimal(16)}
    feb = bills.get(period=date(2026, 2, 1))
    assert feb.lines[0] == {
        "name": "Тепловая энергия",
        "unit": "Гкал",
        "quantity": "14.300",
        "price": "6120.0000",
        "net": "87516.00",
        "vat": "14002.56",
        "total": "101518.56",
    }
    assert feb.amount_total == feb.amount_net + feb.vat_amount


def test_demo_consumers_can_submit_this_months_readings(db: None, clock: Clock) -> None:
    load_cabinet_demo(today=TODAY)
    done = services.submit_reading(
        account="1000000001", meter="HW-1001", value="361.000", source="cabinet", actor=None
    )
    assert (done.reading.period, done.reading.consumption, done.reading.status) == (
        date(2026, 3, 1),
        Decimal("3.883"),
        "accepted",
    )
    rolled = services.submit_reading(
        account="1000000003", meter="HW-1003", value="0002", source="cabinet", actor=None
    )
    assert (rolled.reading.rollover, rolled.reading.consumption) == (True, Decimal(9))
    with pytest.raises(InvalidInput) as refused:
        services.submit_reading(
            account="1000000002", meter="HW-1002-B", value="900", source="cabinet", actor=None
        )
    assert refused.value.code == "verification_expired"
