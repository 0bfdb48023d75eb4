"""Timestamps as database drivers return them from written-out statements."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def aware_utc(value: Any) -> datetime | None:
    """A stored moment as an aware datetime: SQLite may give text or a naive datetime (in
    UTC, as Django stores it), PostgreSQL an aware one; None and unreadable text give None."""
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment
