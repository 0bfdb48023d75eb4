"""API: Service-centre boxes and the Chancellery's daily collection (K-6)."""

from __future__ import annotations

from ninja import Router

router = Router()
