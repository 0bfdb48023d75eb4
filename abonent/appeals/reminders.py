"""D-4: executors are reminded before the due date; overdue appeals are flagged to the head
of their department. Run once a day by the scheduler (`manage.py appeal_reminders`); a
second run on the same day sends nothing new."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from abonent.appeals.codes import OPEN_STATUSES
from abonent.appeals.models import Appeal
from abonent.core.models import AuditEntry, Department
from abonent.notify.services import queue_email

REMIND_WORKING_DAYS = 3


@dataclass
class Sent:
    reminders: int = 0
    overdue_flags: int = 0


def _already(action: str, obj: Any, today: date) -> bool:
    return AuditEntry.objects.for_object(obj).filter(action=action, note=str(today)).exists()


@transaction.atomic
def send_reminders(*, today: date | None = None) -> Sent:
    from abonent.core import audit
    from abonent.workdays.services import get_calendar

    today = today or timezone.localdate()
    soon = get_calendar(around=today).add_working_days(today, REMIND_WORKING_DAYS)
    sent = Sent()
    open_ = Appeal.objects.filter(status__in=list(OPEN_STATUSES)).select_related("executor")
    by_executor: dict[Any, list[Appeal]] = defaultdict(list)
    for a in open_.filter(executor__isnull=False, due_date__gte=today, due_date__lte=soon):
        by_executor[a.executor].append(a)
    for user, appeals in by_executor.items():
        if not user.email or _already("appeal.reminder_sent", user, today):
            continue
        with translation.override("ru"):
            queue_email(
                to=user.email,
                subject=_("Appeals due soon: %(n)s") % {"n": len(appeals)},
                body=render_to_string("appeals/mail/reminder.txt", {"appeals": appeals}),
            )
        audit.record(actor=None, action="appeal.reminder_sent", obj=user, note=str(today))
        sent.reminders += 1
    overdue_by_dept: dict[int, list[Appeal]] = defaultdict(list)
    for a in open_.filter(due_date__lt=today, department__isnull=False):
        overdue_by_dept[a.department_id].append(a)  # type: ignore[index]
    for dept in Department.objects.filter(pk__in=overdue_by_dept).select_related("head"):
        head = dept.head
        if head is None or not head.email or _already("appeal.overdue_flagged", dept, today):
            continue
        with translation.override("ru"):
            queue_email(
                to=head.email,
                subject=_("Overdue appeals in %(dept)s: %(n)s")
                % {"dept": dept.name, "n": len(overdue_by_dept[dept.pk])},
                body=render_to_string(
                    "appeals/mail/overdue.txt", {"appeals": overdue_by_dept[dept.pk]}
                ),
            )
        audit.record(actor=None, action="appeal.overdue_flagged", obj=dept, note=str(today))
        sent.overdue_flags += 1
    return sent
