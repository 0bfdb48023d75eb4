"""One new row in one statement, for the hot paths (audit rows, readings, ticket steps).

``Model.save()`` composes its INSERT anew on every call, which costs more than PostgreSQL
takes to run it. On PostgreSQL this module keeps one INSERT ... RETURNING per model, built
from the model's fields, and binds the values the fields themselves prepare (defaults and
``auto_now_add`` applied as ``save()`` would). Elsewhere, for a model with database-side
defaults, generated columns or a key of its own, or when a signal listens to the model's
saves, it is ``save(force_insert=True)``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save, pre_save


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """Whether a row of ``model`` is only its fields' values: an automatic key, and no
    database-side defaults or generated columns (``save()`` handles those)."""
    meta = model._meta
    return isinstance(meta.pk, models.AutoField) and not any(
        getattr(f, "generated", False) or f.has_db_default() for f in meta.concrete_fields
    )


def _fast(model: type[models.Model]) -> bool:
    """Whether this module writes the row itself (else ``save()`` does)."""
    return (
        connection.vendor == "postgresql"
        and _plain(model)
        and not pre_save.has_listeners(model)
        and not post_save.has_listeners(model)
    )


@functools.cache
def _statement(model: type[models.Model]) -> tuple[str, list[Any]]:
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    pk: Any = model._meta.pk
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    # Built from the model's names only; every value is a bound parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {quote(pk.column)}"  # noqa: S608
    return sql, fields


def insert[M: models.Model](obj: M) -> M:
    """Insert ``obj`` (new, its primary key unset) and return it with its key."""
    model = type(obj)
    if not _fast(model):
        obj.save(force_insert=True)
        return obj
    # As save() does: an unsaved related object is an error, not a silent NULL.
    obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    sql, fields = _statement(model)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


@functools.cache
def _insert_or_lock(model: type[models.Model], key: str) -> tuple[str, list[Any], list[Any]]:
    sql, fields = _statement(model)
    everything: list[Any] = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    unique: Any = model._meta.get_field(key)
    column = quote(unique.column)
    returning = ", ".join(quote(f.column) for f in everything)
    pk: Any = model._meta.pk
    pk_column = quote(pk.column)
    # A no-op update of the key: PostgreSQL locks the row it conflicts with and returns it.
    sql = sql.replace(
        f"RETURNING {pk_column}",
        f"ON CONFLICT ({column}) DO UPDATE SET {column} = EXCLUDED.{column} RETURNING {returning}",
    )
    return sql, fields, everything


def insert_or_lock[M: models.Model](obj: M, key: str) -> M | None:
    """On PostgreSQL, in one statement: insert ``obj``, or — when a row with the same
    ``key`` (a unique field) is there — lock that row; either way return the row as stored,
    locked until the transaction ends. What ``select_for_update().get_or_create(key=...)``
    does in one statement instead of four (select, savepoint, insert, release). None where
    this does not apply (another database, a model ``insert`` leaves to ``save()``): the
    caller then does it the ORM's way."""
    model = type(obj)
    if not _fast(model):
        return None
    obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    sql, fields, everything = _insert_or_lock(model, key)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    return loaded(model, everything, row)


def loaded[M: models.Model](model: type[M], fields: list[Any], row: Any) -> M:
    """A model instance from a row of ``fields``' columns, through the fields' and the
    backend's converters as the ORM applies them (JSON, times)."""
    values = []
    for field, value in zip(fields, row, strict=True):
        column: Any = field.cached_col
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], values)


@functools.cache
def _lock_statement(model: type[models.Model], key: str) -> tuple[str, list[Any]]:
    everything: list[Any] = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    unique: Any = model._meta.get_field(key)
    columns = ", ".join(quote(f.column) for f in everything)
    table = quote(model._meta.db_table)
    sql = f"SELECT {columns} FROM {table} WHERE {quote(unique.column)} = %s FOR UPDATE"  # noqa: S608
    return sql, everything


def lock[M: models.Model](model: type[M], key: str, value: Any) -> tuple[bool, M | None]:
    """On PostgreSQL: the row whose ``key`` (a unique field) is ``value``, locked until the
    transaction ends — ``(True, row or None)``. ``(False, None)`` where this does not apply;
    the caller then asks the ORM (``select_for_update``)."""
    if not _fast(model):
        return False, None
    sql, everything = _lock_statement(model, key)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    return True, None if row is None else loaded(model, everything, row)


@functools.cache
def _update_statement(model: type[models.Model]) -> tuple[str, list[Any], Any]:
    pk: Any = model._meta.pk
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table = quote(model._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    return sql, fields, pk


def update(obj: models.Model) -> None:
    """Store every field of ``obj`` (a saved row), as ``save()`` does, in one statement
    written once per model; ``save()`` itself where this does not apply."""
    model = type(obj)
    if not _fast(model) or obj._state.adding or obj.pk is None:
        obj.save()
        return
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    sql, fields, pk = _update_statement(model)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, pk.get_db_prep_value(obj.pk, connection)])
        if cursor.rowcount != 1:
            gone: Any = getattr(model, "DoesNotExist")  # noqa: B009 — every model has one
            raise gone(f"{model._meta.label} {obj.pk} is gone")
