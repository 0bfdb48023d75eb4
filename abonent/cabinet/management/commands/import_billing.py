"""``manage.py import_billing FILE [--format csv|json|jsonl] [--report rejected.csv]``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.cabinet.importing import (
    FORMATS,
    PROGRESS_EVERY,
    ImportResult,
    import_billing,
    write_report,
)


class Command(BaseCommand):
    help = (
        "Import consumers, accounts, meters, readings, bills and payments from a billing "
        "file (CSV or JSON; columns in abonent/cabinet/importing.py). Idempotent; bad rows "
        "are rejected with their line and reason, the rest is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, default=None, help="default: by extension")
        parser.add_argument("--report", type=Path, default=None, help="write rejections as CSV")
        parser.add_argument("--progress-every", type=int, default=PROGRESS_EVERY)
        parser.add_argument("--show", type=int, default=50, help="rejections to print (default 50)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()

        def progress(result: ImportResult, share: float | None) -> None:
            pct = f" ({share:.0%} of the file)" if share is not None else ""
            self.stdout.write(
                f"{result.rows} rows read{pct}: {result.accepted} imported, "
                f"{len(result.rejections)} rejected, {time.monotonic() - started:.1f} s"
            )

        try:
            result = import_billing(
                path,
                file_format=options["format"],
                progress=progress,
                progress_every=max(options["progress_every"], 1),
            )
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())) or "nothing"
        self.stdout.write(
            f"Done in {time.monotonic() - started:.1f} s: {result.rows} rows, "
            f"{result.accepted} imported, {len(result.rejections)} rejected ({counts})."
        )
        shown = result.rejections[: options["show"]]
        for r in shown:
            self.stdout.write(f"  line {r.line} account {r.account or '-'}: {r.reason}")
        if len(result.rejections) > len(shown):
            self.stdout.write(f"  ... and {len(result.rejections) - len(shown)} more")
        if options["report"] is not None:
            with options["report"].open("w", encoding="utf-8", newline="") as out:
                write_report(result.rejections, out)
            self.stdout.write(f"Rejections written to {options['report']}")
        if result.rejections:
            sys.stdout.flush()
