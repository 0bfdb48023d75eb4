"""Background work of home visits: sending a notice, retried on failure."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task(queue_name="default")
def send_visit_notice(notice_id: int) -> str:
    from abonent.visits.notices import RETRY_DELAY, deliver

    status, retry = deliver(notice_id)
    if retry:
        # The worker has no built-in retry: the next attempt is a new task, run later.
        send_visit_notice.using(run_after=timezone.now() + RETRY_DELAY).enqueue(notice_id=notice_id)
    return status
