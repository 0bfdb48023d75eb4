"""Demo data: a few paper appeals waiting in the boxes of two service centres (K-6). One of
sc1's was taken days ago, so the Chancellery's page shows it flagged; one is incomplete.

Runs after the core demo (offices sc1..sc4, one user per role). All of its service-centre
staff sit in sc1 and its user list is fixed, so sc2's item is taken by the senior operator
standing in there. Idempotent: an item is taken only when its box holds no item with the
same summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from abonent.appeals.boxes import services
from abonent.appeals.boxes.models import BoxItem
from abonent.core.models import Office


@dataclass(frozen=True)
class DemoItem:
    office: str
    operator: str
    hours_ago: int
    data: services.BoxInput
    accept_incomplete: bool = False


ITEMS = [
    DemoItem(
        "sc1",
        "operator",
        24 * 5,
        services.BoxInput(
            kind="complaint",
            applicant_type="individual",
            last_name="Байжанова",
            first_name="Сауле",
            postal_address="г. Астана, ул. Демо-Жилая, 5, кв. 12",
            phone="+77015550101",
            text="Жалоба на начисление за горячую воду за период отсутствия жильцов в квартире.",
            sheets=2,
        ),
    ),
    DemoItem(
        "sc1",
        "operator",
        1,
        services.BoxInput(
            kind="claim",
            applicant_type="legal_entity",
            org_name="ТОО «Демо-Сервис»",
            outgoing_number="17/04",
            email="office@demo-service.kz",
            phone="+77172550202",
            text="Претензия о возврате излишне оплаченной суммы по договору теплоснабжения.",
            sheets=3,
        ),
        accept_incomplete=True,  # not signed, no outgoing date: put in at the consumer's wish
    ),
    DemoItem(
        "sc2",
        "senior_operator",
        2,
        services.BoxInput(
            kind="application",
            applicant_type="individual",
            last_name="Ким",
            first_name="Виктор",
            email="v.kim@example.kz",
            text="Прошу выдать справку об отсутствии задолженности по лицевому счёту.",
            sheets=1,
        ),
    ),
]


@transaction.atomic
def load_demo() -> None:
    """Idempotent: keeps existing rows."""
    if Office.objects.filter(code__in=["sc1", "sc2"]).count() != 2:
        return  # the core demo has not run
    User = get_user_model()
    now = timezone.now()
    for seed in ITEMS:
        office = Office.objects.get(code=seed.office)
        if BoxItem.objects.filter(office=office, text=seed.data.text).exists():
            continue
        operator = User.objects.filter(username=seed.operator).first()
        if operator is None:
            continue
        services.take_appeal(
            office=office,
            data=seed.data,
            actor=operator,
            accept_incomplete=seed.accept_incomplete,
            taken_at=now - timedelta(hours=seed.hours_ago),
        )
