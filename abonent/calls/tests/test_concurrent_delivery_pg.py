"""Duplicate deliveries racing each other (the PBX retries while the first request still
runs) store the event once, and concurrent events of one call all land (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from abonent.calls.demo import load_calls_demo
from abonent.calls.ingest import EventData, record_event
from abonent.calls.models import Call, CallEvent

THREADS = 12

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

T0 = datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
KINDS = [
    EventData(event="call.started", call_id="R-1", at=T0, phone="+77011234567"),
    EventData(event="call.answered", call_id="R-1", at=T0 + timedelta(seconds=5), operator="201"),
    EventData(event="call.ended", call_id="R-1", at=T0 + timedelta(seconds=65)),
]


def test_racing_deliveries_store_each_event_once(demo: None) -> None:
    load_calls_demo()
    pbx = get_user_model().objects.get(username="oktell")
    barrier = threading.Barrier(THREADS)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            new, _state = record_event(KINDS[n % 3], actor=pbx)
            outcomes.append(new)
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
    assert sorted(outcomes) == [False] * (THREADS - 3) + [True] * 3
    assert CallEvent.objects.count() == 3
    call = Call.objects.get()
    assert (call.status, call.duration, call.operator_login, call.phone) == (
        "completed", 60, "201", "+77011234567"
    )  # fmt: skip
