from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.appeals.reception.services import DEFAULT_WEEKS, MAX_WEEKS, generate_slots
from abonent.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Daily: make the personal-reception slots of the coming weeks match the published "
        "hours, on working days only (K-7, W-7). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--weeks", type=int, default=DEFAULT_WEEKS, help=f"1..{MAX_WEEKS} weeks ahead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = generate_slots(weeks=options["weeks"])
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        self.stdout.write(
            f"{done.created} slots created, {done.updated} updated, {done.withdrawn} withdrawn, "
            f"{done.removed} removed, {done.kept_booked} booked slots kept"
        )
