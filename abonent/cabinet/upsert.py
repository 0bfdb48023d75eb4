"""Bulk upserts for the billing import, fast on PostgreSQL and portable to SQLite.

On PostgreSQL the rows go through COPY into a temporary table and one
``INSERT ... SELECT ... ON CONFLICT`` (COPY is several times faster than a multi-row INSERT
built by the ORM); elsewhere through ``bulk_create(update_conflicts=...)``. Either way the
caller's transaction holds everything, so a refused statement leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _pg_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def upsert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str] = (),
    key: str | None = None,
) -> tuple[dict[Any, int], int]:
    """Insert ``rows`` (dicts by attname, all with the same keys), updating ``update`` on a
    conflict over ``unique`` (no update: keep the existing row). Returns ``{row[key]: id}``
    when ``key`` is given, and how many rows were new (-1 when unknown)."""
    if not rows:
        return {}, 0
    names = list(rows[0])
    if connection.vendor == "postgresql":
        return _upsert_pg(model, names, rows, unique=unique, update=update, key=key)
    objs = [model(**row) for row in rows]
    if update:
        model._default_manager.bulk_create(
            objs, update_conflicts=True, unique_fields=list(unique), update_fields=list(update)
        )
    else:
        model._default_manager.bulk_create(objs, ignore_conflicts=True)
    if key is None:
        return {}, -1
    found = model._default_manager.filter(**{f"{key}__in": [r[key] for r in rows]})
    return dict(found.values_list(key, "pk")), -1


def _upsert_pg(
    model: type[models.Model],
    names: list[str],
    rows: Sequence[dict[str, Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
    key: str | None,
) -> tuple[dict[Any, int], int]:
    qn = connection.ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.column is not None
        return qn(field.column)

    table, temp = qn(meta.db_table), qn(f"import_{meta.db_table}")
    columns = ", ".join(column(n) for n in names)
    conflict = ", ".join(column(n) for n in unique)
    if update:
        sets = ", ".join(f"{column(n)} = EXCLUDED.{column(n)}" for n in update)
        # An unchanged row is not written again (no dead tuple, no index churn); a change of
        # ``updated_at`` alone is no change.
        compared = [n for n in update if n != "updated_at"]
        old = ", ".join(f"{table}.{column(n)}" for n in compared)
        new = ", ".join(f"EXCLUDED.{column(n)}" for n in compared)
        action = f"DO UPDATE SET {sets} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
    else:
        action = "DO NOTHING"
    returning = f" RETURNING {column(key)}, {column(meta.pk.name)}, (xmax = 0)" if key else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {temp} AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        # ``cursor.copy`` is psycopg's own, outside Django's wrapper: without this a refused
        # row escapes as ``psycopg.DataError`` instead of Django's ``DatabaseError``.
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_pg_value(row[n]) for n in names])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} "  # noqa: S608
            f"ON CONFLICT ({conflict}) {action}{returning}"
        )
        result = cursor.fetchall() if key else []
        cursor.execute(f"DROP TABLE {temp}")
        if key is None:
            return {}, -1
        ids = {k: pk for k, pk, _new in result}
        created = sum(1 for *_r, is_new in result if is_new)
        unchanged = [r[key] for r in rows if r[key] not in ids]
        if unchanged:  # rows the WHERE above left alone return nothing: look them up
            cursor.execute(
                f"SELECT {column(key)}, {column(meta.pk.name)} FROM {table} "  # noqa: S608
                f"WHERE {column(key)} = ANY(%s)",
                [unchanged],
            )
            ids.update(dict(cursor.fetchall()))
    return ids, created
