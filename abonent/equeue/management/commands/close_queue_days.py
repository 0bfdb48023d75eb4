from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.equeue.closing import close_past_days


class Command(BaseCommand):
    help = (
        "Nightly: close the electronic-queue tickets of past days still open — waiting → "
        "cancelled, called → no-show, serving → done at the end of their day. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="YYYY-MM-DD: close the days before this one (default: today, Asia/Almaty)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as err:
                raise CommandError("--today must be a date YYYY-MM-DD") from err
        closed = close_past_days(today=today)
        self.stdout.write(f"{closed} tickets of past days closed")
