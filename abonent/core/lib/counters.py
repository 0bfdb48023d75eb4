"""Gapless numbering: journals, books, boxes and acts number their records per year."""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def next_number(model: type[models.Model], **keys: Any) -> int:
    """The next number of the counter row ``keys`` (e.g. ``year=2026``) of ``model`` — a table
    with those key columns, unique together, and ``last`` — taken in one upsert, so the
    first number needs no separate step. The row stays locked until the transaction ends and
    a rollback gives the number back: numbers are unique and gapless under concurrency."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(k) for k in keys)
    marks = ", ".join(["%s"] * len(keys))
    last = qn("last")
    sql = (
        f"INSERT INTO {table} ({cols}, {last}) VALUES ({marks}, 1) "  # noqa: S608
        f"ON CONFLICT ({cols}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(keys.values()))
        row = cursor.fetchone()
    return int(row[0])
