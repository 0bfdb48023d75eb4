"""Demo data: The complaint and suggestion book (B-1..B-8)."""

from __future__ import annotations


def load_demo() -> None:
    """Idempotent: keeps existing rows."""
