"""API: The complaint and suggestion book (B-1..B-8)."""

from __future__ import annotations

from ninja import Router

router = Router()
