"""``manage.py purge_recordings`` — delete call recordings past the retention period
(ABONENT_RECORDING_RETENTION_DAYS) except those an open appeal still needs (CC-4). Run it
daily from the scheduler."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from abonent.calls.recordings import purge_recordings


class Command(BaseCommand):
    help = "Delete call recordings older than the retention period, keeping appeals' ones."

    def handle(self, *args: Any, **options: Any) -> None:
        result = purge_recordings()
        self.stdout.write(
            f"{result.purged} recordings deleted, {result.kept_for_appeal} kept for open appeals."
        )
