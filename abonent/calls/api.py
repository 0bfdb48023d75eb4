"""Telephony API: PBX events, the call log, outcomes and callbacks (CC-1..CC-8)."""

from __future__ import annotations

from ninja import Router

router = Router()
