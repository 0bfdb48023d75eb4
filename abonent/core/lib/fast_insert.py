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
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.signals import post_save, pre_save
from django.db.utils import load_backend


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """Whether a row of ``model`` is only its fields' values: an automatic key, and no
    database-side defaults or generated columns (``save()`` handles those)."""
    meta = model._meta
    return isinstance(meta.pk, models.AutoField) and not any(
        getattr(f, "generated", False) or f.has_db_default() for f in meta.concrete_fields
    )


@functools.cache
def vendor() -> str:
    """The default database's vendor, read off its backend's class. ``connection.vendor``
    looks the connection object up in a context-local store: in the event loop, where every
    request runs in a context of its own, that built a new connection object for every
    request (a ``DatabaseWrapper`` with its operations, features, client and the rest, in
    reference cycles that only the garbage collector frees — a collection of up to 8 ms
    every few rounds of call-next presses, #5)."""
    engine = connections.settings[DEFAULT_DB_ALIAS]["ENGINE"]
    return str(load_backend(engine).DatabaseWrapper.vendor)


def _fast(model: type[models.Model]) -> bool:
    """Whether this module writes the row itself (else ``save()`` does)."""
    return (
        vendor() == "postgresql"
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


def applies(model: type[models.Model]) -> bool:
    """Whether this module writes ``model``'s rows itself (else ``save()`` does), for a
    caller that runs the statements below on a connection of its own."""
    return _fast(model)


def value_fields(model: type[models.Model]) -> list[Any]:
    """The fields whose values ``insert_statement`` and ``update_statement`` bind, in
    order (every concrete field but the key; the update binds the key last)."""
    return _statement(model)[1]


def insert_sql(model: type[models.Model]) -> str:
    """The INSERT ... RETURNING key of ``insert_statement`` (its values in ``value_fields``
    order)."""
    return _statement(model)[0]


def insert_statement(obj: models.Model) -> tuple[str, list[Any]]:
    """The INSERT ... RETURNING key that ``insert`` runs for ``obj``, with its values
    (where ``applies``)."""
    # As save() does: an unsaved related object is an error, not a silent NULL.
    obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    sql, fields = _statement(type(obj))
    db = _db()
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]


def insert_from_sql(model: type[models.Model], source: str, expressions: dict[str, str]) -> str:
    """``INSERT ... SELECT ... FROM source``: a row of ``model`` for each row of ``source``
    (a common table expression of the caller's statement), the values of the fields named
    in ``expressions`` the SQL expressions over it; the other values are
    ``insert_values_but``'s."""
    fields = value_fields(model)
    selected = ", ".join(expressions.get(f.name, "%s") for f in fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # Built from the model's names and the caller's SQL; every value is a bound parameter.
    return f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {source}"  # noqa: S608


def insert_values_but(obj: models.Model, names: Iterable[str]) -> list[Any]:
    """``insert_statement``'s values for ``obj`` without those of the fields ``names``
    (``insert_from_sql``'s ``expressions``)."""
    if isinstance(names, str):
        raise TypeError("insert_values_but takes the fields' names, not one name")
    left_out = set(names)
    fields = [f.name for f in value_fields(type(obj))]
    values = insert_statement(obj)[1]
    return [v for name, v in zip(fields, values, strict=True) if name not in left_out]


def insert[M: models.Model](obj: M) -> M:
    """Insert ``obj`` (new, its primary key unset) and return it with its key."""
    model = type(obj)
    if not _fast(model):
        obj.save(force_insert=True)
        return obj
    sql, values = insert_statement(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


@functools.cache
def insert_or_lock_statement(model: type[models.Model], key: str) -> tuple[str, list[Any]]:
    """``insert_or_lock``'s statement (the values are ``insert_statement``'s) and the fields
    of the row it returns."""
    sql, _fields = _statement(model)
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
    return sql, everything


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
    sql, everything = insert_or_lock_statement(model, key)
    _insert, values = insert_statement(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    return loaded(model, everything, row)


def loaded[M: models.Model](model: type[M], fields: list[Any], row: Any) -> M:
    """A model instance from a row of ``fields``' columns, through the fields' and the
    backend's converters as the ORM applies them (JSON, times)."""
    db = _db()
    values = list(row)
    for n, column, converters in _converters(db.vendor, tuple(fields)):
        value = values[n]
        for convert in converters:
            value = convert(value, column, db)
        values[n] = value
    return model.from_db(db.alias, [f.attname for f in fields], values)


def _db() -> Any:
    """The default database's connection object: ``django.db.connection`` is a proxy that
    looks it up again on every attribute (in the event loop, a context-local lookup)."""
    return connections[DEFAULT_DB_ALIAS]


@functools.cache
def _converters(vendor: str, fields: tuple[Any, ...]) -> list[tuple[int, Any, list[Any]]]:
    """The converters of each column that has any (they depend on the backend only)."""
    db = _db()
    found = []
    for n, field in enumerate(fields):
        column: Any = field.cached_col
        converters = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if converters:
            found.append((n, column, converters))
    return found


@functools.cache
def lock_statement(model: type[models.Model], key: str) -> tuple[str, list[Any]]:
    """``lock``'s statement (one value: the key's) and the fields of the row it returns."""
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
    sql, everything = lock_statement(model, key)
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


def update_statement(obj: models.Model) -> tuple[str, list[Any]]:
    """The UPDATE that ``update`` runs for ``obj``, with its values (where ``applies``)."""
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    sql, fields, pk = _update_statement(type(obj))
    db = _db()
    values = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]
    return sql, [*values, pk.get_db_prep_value(obj.pk, db)]


def update(obj: models.Model) -> None:
    """Store every field of ``obj`` (a saved row), as ``save()`` does, in one statement
    written once per model; ``save()`` itself where this does not apply."""
    model = type(obj)
    if not _fast(model) or obj._state.adding or obj.pk is None:
        obj.save()
        return
    sql, values = update_statement(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if cursor.rowcount != 1:
            gone: Any = getattr(model, "DoesNotExist")  # noqa: B009 — every model has one
            raise gone(f"{model._meta.label} {obj.pk} is gone")
