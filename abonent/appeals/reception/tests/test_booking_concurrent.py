"""K-7: two desks booking the same slot at the same moment — exactly one wins, the other is
told the slot is taken (threads with their own connections; meant for PostgreSQL, where the
row lock and the partial unique index do the work; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from abonent.appeals.models import Appeal
from abonent.appeals.reception.models import Booking
from abonent.appeals.reception.services import book_slot
from abonent.appeals.services import AppealInput
from abonent.core.errors import DomainError

from .conftest import new_appeal

pytestmark = pytest.mark.django_db(transaction=True)
DESKS = 4


def _run(work) -> tuple[list[int], list[str], list[BaseException]]:
    won: list[int] = []
    codes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(DESKS)

    def desk(i: int) -> None:
        try:
            start.wait()
            won.append(work(i).pk)
        except DomainError as exc:
            codes.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, codes, errors


def test_concurrent_written_bookings_of_one_slot_exactly_one_wins(slot) -> None:
    appeals = [new_appeal(last_name=f"Заявитель{i}") for i in range(DESKS)]
    clerk = get_user_model().objects.get(username="clerk")

    won, codes, errors = _run(
        lambda i: book_slot(slot_id=slot.pk, appeal=appeals[i], by_phone=False, actor=clerk)
    )
    assert errors == []
    assert len(won) == 1 and codes == ["slot_taken"] * (DESKS - 1)
    assert list(Booking.objects.values_list("pk", flat=True)) == won


def test_concurrent_phone_bookings_register_only_the_winner(slot) -> None:
    operator = get_user_model().objects.get(username="cc_operator")
    before = Appeal.objects.count()

    def phone(i: int) -> Booking:
        data = AppealInput(
            channel="personal_reception",
            kind="request",
            applicant_type="individual",
            last_name=f"Звонивший{i}",
            first_name="Ерлан",
            phone=f"+7701555440{i}",
            text="Прошу записать на прием по вопросу задолженности.",
        )
        return book_slot(slot_id=slot.pk, new_appeal=data, by_phone=True, actor=operator)

    won, codes, errors = _run(phone)
    assert errors == []
    assert len(won) == 1 and codes == ["slot_taken"] * (DESKS - 1)
    assert Appeal.objects.count() == before + 1  # the losers' appeals rolled back
    assert Booking.objects.get().appeal.channel == "personal_reception"
