"""Demo data: Personal reception with management (K-7, W-7)."""

from __future__ import annotations


def load_demo() -> None:
    """Idempotent: keeps existing rows."""
