"""Background work of the registry."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task


@task(queue_name="mail")
def send_receipt(appeal_id: int) -> None:
    """Write the receipt mail of a registered appeal into the outbox (its delivery is a task
    of its own, retried on failure)."""
    from abonent.appeals import notices
    from abonent.appeals.models import Appeal

    with transaction.atomic():
        appeal = Appeal.objects.filter(pk=appeal_id).first()
        if appeal is not None and appeal.email:
            notices.write_receipt(appeal)
