from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from abonent.appeals.reminders import send_reminders


class Command(BaseCommand):
    help = "Daily: remind executors of appeals due soon and flag overdue ones to their heads."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent.reminders} reminders, {sent.overdue_flags} overdue flags queued")
