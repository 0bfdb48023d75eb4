"""PC-1 under load: many channels submit for the same meter at once (cabinet, IVR, contact
centre), each in its own connection. The meter lock keeps one reading per period, and every
submission is in the audit log, none lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from abonent.cabinet import services
from abonent.cabinet.models import Reading
from abonent.core.models import AuditEntry

from .conftest import Clock, add_history, make_account

THREADS = 8

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_simultaneous_submissions_keep_one_reading_and_audit_all(clock: Clock) -> None:
    meter = make_account()
    add_history(meter, [100, 110, 120, 130])
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            services.submit_reading(
                account="100200300", meter="HW-1", value=str(131 + i), source="ivr", actor=None
            )
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    march = Reading.objects.filter(meter=meter, period="2026-03-01")
    assert march.count() == 1
    actions = sorted(
        AuditEntry.objects.filter(object_type="cabinet.reading").values_list("action", flat=True)
    )
    assert actions == ["reading.replaced"] * (THREADS - 1) + ["reading.submitted"]
    last = AuditEntry.objects.filter(object_type="cabinet.reading").order_by("-at", "-id").first()
    assert last is not None and str(march.get().value.normalize()) == last.after["value"]
