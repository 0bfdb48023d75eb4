"""Statistics of the electronic queue for the head of the office (API)."""

from __future__ import annotations

from ninja import Router

router = Router()
