from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from abonent.notify.models import OutgoingStatus

RETRY_DELAY = timedelta(minutes=5)


@task(queue_name="mail")
def deliver_message(message_id: int) -> str:
    from abonent.notify.services import deliver

    status = deliver(message_id)
    if status == OutgoingStatus.FAILED:
        # The worker has no built-in retry: the next attempt is a new task, run later.
        deliver_message.using(run_after=timezone.now() + RETRY_DELAY).enqueue(message_id=message_id)
    return str(status)
