"""Personal cabinet and readings API (PC-1, PC-2)."""

from __future__ import annotations

from ninja import Router

router = Router()
