"""API: Personal reception with management (K-7, W-7)."""

from __future__ import annotations

from ninja import Router

router = Router()
