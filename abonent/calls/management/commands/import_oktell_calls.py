"""``manage.py import_oktell_calls export.csv`` — the nightly import of Oktell's call
statistics (CC-4); the columns are described in ``abonent/calls/oktell.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.calls.oktell import BadFile
from abonent.calls.services import import_oktell_export


class Command(BaseCommand):
    help = "Import a CSV export of Oktell's call statistics (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv"]
        try:
            text = path.read_text(encoding=options["encoding"])
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = import_oktell_export(text)
        except BadFile as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line, message in result.errors:
            self.stderr.write(f"{path}:{line}: {message}")
        self.stdout.write(
            f"{result.rows} rows, {result.chains} calls, {result.internal} internal calls "
            f"skipped; {result.events_new} new events, {result.events_existing} already known; "
            f"{len(result.errors)} broken rows, {len(result.skipped_chains)} calls skipped."
        )
        if result.errors:
            raise SystemExit(1)
