"""One outcome per call even when two operators' clicks race (PostgreSQL): the call row is
locked, so one complaint is registered and the other request is told ``outcome_exists``."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from abonent.appeals.models import Appeal
from abonent.calls.models import Call, CallOutcome
from abonent.calls.services import ComplaintInput, OutcomeInput, record_call_outcome
from abonent.core.errors import DomainError

THREADS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_racing_complaints_register_one_appeal(answered: str) -> None:
    operator = get_user_model().objects.get(username="senior_operator")
    call = Call.objects.get(call_id=answered)
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []

    def work(n: int) -> None:
        data = OutcomeInput(
            kind="complaint",
            topic="charges",
            complaint=ComplaintInput(last_name="Иванов", first_name="Иван",
                                     text=f"Жалоба номер {n} на начисление."),
        )  # fmt: skip
        try:
            barrier.wait()
            results.append(record_call_outcome(call=call, data=data, actor=operator)[1])
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == ["True"] + ["outcome_exists"] * (THREADS - 1)
    assert (CallOutcome.objects.count(), Appeal.objects.count()) == (1, 1)
    assert Call.objects.get(call_id=answered).appeals.count() == 1
