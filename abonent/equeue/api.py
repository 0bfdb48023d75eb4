"""API of the electronic queue (api.md "Electronic queue")."""

from __future__ import annotations

from ninja import Router

router = Router()
