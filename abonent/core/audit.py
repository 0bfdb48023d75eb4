"""The append-only audit log: every state change writes one row in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from abonent.core.lib.fast_insert import insert
from abonent.core.models import AuditEntry


def jsonable(data: Mapping[str, Any] | None) -> Any:
    if data is None:
        return None
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit row. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit rows are written inside the transaction of the change.")
    user = actor if actor is not None and actor.is_authenticated else None
    label = user.get_username() if user is not None else "system"
    entry = new_entry(
        actor_id=user.pk if user is not None else None,
        actor_label=label,
        action=action,
        obj=obj,
        before=before,
        after=after,
        note=note,
    )
    return insert(entry)


def new_entry(
    *,
    actor_id: Any,
    actor_label: str,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    note: str = "",
) -> AuditEntry:
    """The audit row ``record`` writes, unsaved (the lanes write it in statements of their
    own)."""
    return AuditEntry(
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=jsonable(before),
        after=jsonable(after),
        note=note,
    )


def new_entry_in_sql(*, action: str, model: Any) -> AuditEntry:
    """``new_entry`` for a statement that writes the object and its audit row at once (a
    lane's): who acted, the object's id and its states ("before", "after") come from that
    statement (``fast_insert.insert_from_sql``), the rest from here."""
    return AuditEntry(action=action, object_type=model._meta.label_lower)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}
