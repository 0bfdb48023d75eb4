"""Demo data: Service-centre boxes and the Chancellery's daily collection (K-6)."""

from __future__ import annotations


def load_demo() -> None:
    """Idempotent: keeps existing rows."""
