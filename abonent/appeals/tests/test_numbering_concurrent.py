"""K-3: incoming numbers stay unique and gapless when registrations run concurrently
(threads with their own database connections; PostgreSQL in CI, SQLite too)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from abonent.appeals.models import Appeal
from abonent.appeals.services import AppealInput, register_appeal

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 10


def test_concurrent_registrations_get_gapless_unique_numbers(demo: None) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                register_appeal(
                    data=AppealInput(
                        channel="web",
                        kind="request",
                        applicant_type="individual",
                        last_name="Петров",
                        first_name="Пётр",
                        phone="+77011234567",
                        text="Прошу сообщить график работы сервис-центра.",
                    ),
                    actor=None,
                )
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
