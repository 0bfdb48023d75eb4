"""Background work of the registry."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

BATCH = 50


@task(queue_name="mail")
def send_receipts() -> int:
    """Write the receipt mail (K-4) of every appeal marked ``receipt_pending`` into the
    outbox (each delivered by a task of its own, retried on failure). Safe to run at any
    time and in parallel: rows are claimed with SKIP LOCKED where the database has it."""
    from abonent.appeals import notices
    from abonent.appeals.models import Appeal

    written = 0
    while True:
        with transaction.atomic():
            batch = list(
                Appeal.objects.select_for_update(skip_locked=True)
                .filter(receipt_pending=True)
                .order_by("id")[:BATCH]
            )
            if not batch:
                return written
            for appeal in batch:
                if appeal.email:
                    notices.write_receipt(appeal)
            Appeal.objects.filter(pk__in=[a.pk for a in batch]).update(receipt_pending=False)
            written += len(batch)
