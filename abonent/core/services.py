"""Writes of the core app: one function per business action, atomic, with an audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from abonent.core import audit
from abonent.core.models import ApiToken


@transaction.atomic
def issue_api_token(*, user: Any, name: str = "", actor: Any = None) -> str:
    """Create a token for ``user`` and return the raw secret (shown once, stored hashed)."""
    raw, key_hash = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], key_hash=key_hash)
    audit.record(
        actor=actor,
        action="api_token.issued",
        obj=token,
        after={"user": user.get_username(), "name": name, "prefix": token.prefix},
    )
    return raw
