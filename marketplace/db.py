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
(measured in ``docs/performance.md``). JSON columns are encoded with the
field's encoder, as Django does, and cast back to ``jsonb``.

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
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_create(objs)
    sql, fields = _insert_sql(model, using)
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_all")
        row = {}
        for field in fields:
            value = field.pre_save(obj, add=True)
            if isinstance(field, JSONField):
                # What Django sends for a JSON column, as text (cast back to
                # jsonb in the statement): the field's encoder decides.
                value = None if value is None else json.dumps(value, cls=field.encoder)
            else:
                value = field.get_db_prep_save(value, connection)
            row[field.column] = value
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, default=_plain)])
        pks = [pk for (pk,) in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return objs


@cache
def _insert_sql(model: type[Model], using: str) -> tuple[str, list]:
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    # The record's types without their modifiers (varchar, not
    # varchar(200)), as in Django's own UNNEST inserts: the INSERT checks
    # lengths and scales against the columns. JSON columns arrive as text
    # (encoded by their field) and are cast.
    record = ", ".join(
        f"{quote(field.column)} "
        f"{'text' if isinstance(field, JSONField) else field.db_type(connection).split('(')[0]}"
        for field in fields
    )
    values = ", ".join(
        f"r.{quote(field.column)}::jsonb" if isinstance(field, JSONField) else f"r.{quote(field.column)}"
        for field in fields
    )
    pk = quote(model._meta.pk.column)
    # Names from the model, quoted; the rows are the one parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {values} FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({record})) "
        f"WITH ORDINALITY AS r ORDER BY r.ordinality RETURNING {pk}"
    )
    return sql, fields


def _plain(value):
    """JSON for what ``get_db_prep_save`` leaves to the driver: text that
    PostgreSQL reads back into the column's type exactly."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"insert_all cannot send a {type(value).__name__}")
