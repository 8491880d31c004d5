"""Inserting many new rows of one model in one statement, at less cost per
row than ``QuerySet.bulk_create`` on PostgreSQL.

``bulk_create`` compiles every value of every row into the SQL and hands
psycopg one array per column, which it quotes value by value in Python:
about 8 µs a value, 0.2 ms for one artist order of 25 columns, and a
checkout writes five rows per artist (the artist order, its lines, its
history row, its email). ``insert_all`` prepares each value with the
field's own ``get_db_prep_save`` (the conversion Django applies on save),
encodes the rows as one JSON document with the C encoder and lets
PostgreSQL unpack it with ``jsonb_to_recordset``: a third less time per row
(measured in ``docs/performance.md``). JSON values are encoded within
the rows by their field's encoder, as Django does (a model whose JSON
fields have different encoders is left to ``bulk_create``).

On other databases (SQLite) it is ``bulk_create``. Like ``bulk_create`` it
sends no signals and sets the primary keys of the objects; it takes no
options.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.db import connections, router
from django.db.models import JSONField, Model


def insert_all(objs: list[Model]) -> list[Model]:
    """Insert ``objs`` (new instances of one model, primary keys unset) in
    one statement; returns them with their primary keys."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    statement = _statement(model, using) if connection.vendor == "postgresql" else None
    if statement is None:
        return model._base_manager.using(using).bulk_create(objs)
    sql, fields, encoder = statement
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_all")
        row = {}
        for field in fields:
            value = field.pre_save(obj, add=True)
            if not isinstance(field, JSONField):
                value = field.get_db_prep_save(value, connection)
                if isinstance(value, _SPELLED):
                    value = _spell(value)
            row[field.column] = value
        rows.append(row)
    # JSON values go in as they are, encoded by their field's encoder (the
    # other values are already plain).
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, cls=encoder)])
        pks = [pk for (pk,) in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return objs


@cache
def _statement(model: type[Model], using: str) -> tuple[str, list, type] | None:
    """The INSERT of ``model``, its fields and the JSON encoder of the rows;
    None (use bulk_create) when its JSON fields do not share one encoder."""
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    ]
    encoders = {field.encoder for field in fields if isinstance(field, JSONField)}
    if len(encoders) > 1:
        return None
    encoder = encoders.pop() if encoders else None
    columns = ", ".join(quote(field.column) for field in fields)
    # The record's types without their modifiers (varchar, not
    # varchar(200)), as in Django's own UNNEST inserts: the INSERT checks
    # lengths and scales against the columns.
    record = ", ".join(
        f"{quote(field.column)} {field.db_type(connection).split('(')[0]}" for field in fields
    )
    pk = quote(model._meta.pk.column)
    # Names from the model, quoted; the rows are the one parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {columns} FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({record})) "
        f"WITH ORDINALITY AS r ORDER BY r.ordinality RETURNING {pk}"
    )
    return sql, fields, encoder or json.JSONEncoder


# What get_db_prep_save leaves to the driver, spelled as text PostgreSQL
# reads back into the column's type exactly (datetimes to the microsecond:
# not the JSON encoders' way, which cut them to the millisecond).
_SPELLED = (datetime, date, time, Decimal, UUID)


def _spell(value) -> str:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
