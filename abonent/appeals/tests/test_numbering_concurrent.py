"""K-3: incoming numbers stay unique and gapless when registrations run concurrently
(threads with their own database connections; PostgreSQL in CI, SQLite too)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from abonent.appeals.models import Appeal, JournalCounter
from abonent.appeals.services import AppealInput, register_appeal

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 10


def test_concurrent_registrations_get_gapless_unique_numbers(demo: None) -> None:
    errors: list[BaseException] = []
    given: dict[int, str] = {}
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                appeal = register_appeal(data=_input(), actor=None)
                given[appeal.pk] = appeal.incoming_number
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(Appeal.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    assert Appeal.objects.values("incoming_number").distinct().count() == THREADS * EACH
    # every registration was told the number its own appeal carries
    assert given == dict(Appeal.objects.values_list("pk", "incoming_number"))
    assert JournalCounter.objects.get().last == THREADS * EACH


def _input() -> AppealInput:
    return AppealInput(
        channel="web",
        kind="request",
        applicant_type="individual",
        last_name="Петров",
        first_name="Пётр",
        phone="+77011234567",
        text="Прошу сообщить график работы сервис-центра.",
    )


def test_a_rolled_back_registration_leaves_no_gap(demo: None) -> None:
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        inside = register_appeal(data=_input(), actor=None)
        assert inside.seq == 1
        raise Boom
    assert not Appeal.objects.exists()
    again = register_appeal(data=_input(), actor=None)
    assert again.seq == 1 and JournalCounter.objects.get().last == 1
