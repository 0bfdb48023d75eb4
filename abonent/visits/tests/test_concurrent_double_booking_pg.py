"""Two planners booking the same employee at the same moment: exactly one visit is stored,
the other gets double_booking (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from abonent.core.errors import DomainError
from abonent.visits.models import Visit
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

THREADS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_racing_plans_book_the_employee_once(demo, clock) -> None:
    barrier = threading.Barrier(THREADS)
    codes: list[str] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            plan(NEXT_TUESDAY + timedelta(minutes=10 * n), address=f"ул. Гонки, {n}")
            codes.append("ok")
        except DomainError as exc:
            codes.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(codes) == ["double_booking"] * (THREADS - 1) + ["ok"]
    assert Visit.objects.count() == 1
