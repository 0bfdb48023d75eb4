from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from abonent.appeals.tasks import send_receipts


class Command(BaseCommand):
    help = (
        "Write the receipt mails (K-4) still pending — the safety net for a process that "
        "stopped between a registration's commit and the task that writes its receipt."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = send_receipts.call()
        self.stdout.write(f"{written} receipt(s) written to the outbox.")
