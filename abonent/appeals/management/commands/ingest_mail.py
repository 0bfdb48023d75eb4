"""Register e-mail as appeals (C-1, W-2).

    python manage.py ingest_mail --eml FILE_OR_DIR [FILE_OR_DIR ...]
    python manage.py ingest_mail --imap          # cron: */5 * * * *

IMAP settings come from Django settings of the same name when present, else from the
environment: IMAP_HOST (required), IMAP_PORT (993 with SSL, 143 without), IMAP_USER,
IMAP_PASSWORD, IMAP_SSL (true), IMAP_FOLDER (INBOX).
"""

from __future__ import annotations

import imaplib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from imap_tools import ImapToolsError

from abonent.appeals.mail_intake import IngestResult, ingest_imap, process
from abonent.core.lib.env import envbool, envint, envstr


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def imap_config() -> dict[str, Any]:
    ssl = bool(_setting("IMAP_SSL", envbool("IMAP_SSL", True)))
    return {
        "host": str(_setting("IMAP_HOST", envstr("IMAP_HOST", ""))),
        "port": int(_setting("IMAP_PORT", envint("IMAP_PORT", 993 if ssl else 143, minimum=1))),
        "user": str(_setting("IMAP_USER", envstr("IMAP_USER", ""))),
        "password": str(_setting("IMAP_PASSWORD", envstr("IMAP_PASSWORD", ""))),
        "folder": str(_setting("IMAP_FOLDER", envstr("IMAP_FOLDER", "INBOX"))),
        "ssl": ssl,
    }


def eml_files(paths: list[str]) -> list[Path]:
    """The files named, and the .eml files under the directories named (sorted)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".eml"))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"No such file or directory: {name}")
    return found


class Command(BaseCommand):
    help = "Register e-mail messages (.eml files or an IMAP mailbox's unseen mail) as appeals."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--eml", nargs="+", metavar="PATH", help=".eml files or directories")
        source.add_argument("--imap", action="store_true", help="the mailbox in IMAP_* settings")

    def handle(self, *args: Any, **options: Any) -> None:
        self.counts = {"registered": 0, "duplicate": 0, "skipped": 0, "failed": 0}
        if options["imap"]:
            config = imap_config()
            if not config["host"]:
                raise CommandError("Set IMAP_HOST (and IMAP_USER, IMAP_PASSWORD) to read mail.")
            try:
                ingest_imap(**config, on_result=self.report)
            except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
                self.stdout.write(self.summary())
                where = f"{config['host']}:{config['port']}"
                raise CommandError(f"IMAP {where}: {type(exc).__name__}: {exc}") from exc
        else:
            for path in eml_files(options["eml"]):
                source = str(path)
                try:
                    raw = path.read_bytes()
                    result = process(raw, mailbox=f"eml:{path}", actor=None, source=source)
                except Exception as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                    result = IngestResult("failed", reason=reason, source=source)
                self.report(result)
        self.stdout.write(self.summary())
        if self.counts["failed"]:
            raise CommandError(f"{self.counts['failed']} message(s) not registered, see above.")

    def summary(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in self.counts.items())

    def report(self, result: IngestResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if result.appeal is not None:
            self.stdout.write(f"{result.appeal.incoming_number}\t{result.source}")
        elif result.status == "failed":
            self.stderr.write(f"failed\t{result.source}\t{result.reason}")
        else:
            self.stdout.write(f"{result.status}\t{result.source}\t{result.reason}")
