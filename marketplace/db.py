"""Inserting many new rows of one model in one statement, at less cost per
row than ``QuerySet.bulk_create`` on PostgreSQL.

``bulk_create`` compiles every value of every row into the SQL and hands
psycopg one array per column, which it quotes value by value in Python:
about 8 µs a value, 0.2 ms for one artist order of 25 columns, and a
checkout writes five rows per artist (the artist order, its lines, its
history row, its email). ``insert_all`` prepares each value with the
field's own ``get_db_prep_save`` (the conversion Django applies on save;
a value it would return unchanged, such as a str for a text column of
Django's own fields or an aware datetime, is taken as it is),
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
        for field, plain in fields:
            value = field.pre_save(obj, add=True)
            if plain is JSONField:
                pass  # encoded with the rows by the field's encoder
            elif value is None or type(value) is plain and _as_is(value):
                pass  # what get_db_prep_save would return unchanged
            else:
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
    return sql, [(field, _plain_type(field)) for field in fields], encoder or json.JSONEncoder


# Values that get_db_prep_save returns unchanged on PostgreSQL, by the
# field's internal type: a str for a text column, an int (not a bool) for
# an integer or a foreign key to an integer key, a bool, a finite Decimal,
# an aware datetime, a date. Anything else (None apart) goes through the
# field, as Django would send it: a lazy string, a naive datetime, a
# datetime for a date, a float for a decimal...
_PLAIN_TYPES = {
    **dict.fromkeys(("CharField", "TextField", "EmailField", "SlugField", "URLField"), str),
    **dict.fromkeys(
        (
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
        ),
        int,
    ),
    "BooleanField": bool,
    "DecimalField": Decimal,
    "DateTimeField": datetime,
    "DateField": date,
}


def _plain_type(field):
    """The type whose values ``field`` sends unchanged (None: always ask
    the field). Only Django's own fields: one of ours, or a library's, may
    convert in its ``get_prep_value``."""
    if isinstance(field, JSONField):
        return JSONField
    target = field.target_field if field.is_relation else field
    for method in ("get_db_prep_save", "get_db_prep_value", "get_prep_value"):
        for candidate in {field, target}:
            if not getattr(type(candidate), method).__module__.startswith("django.db."):
                return None
    return _PLAIN_TYPES.get(target.get_internal_type())


def _as_is(value) -> bool:
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if isinstance(value, Decimal):
        return value.is_finite()
    return True


# What get_db_prep_save leaves to the driver, spelled as text PostgreSQL
# reads back into the column's type exactly (datetimes to the microsecond:
# not the JSON encoders' way, which cut them to the millisecond).
_SPELLED = (datetime, date, time, Decimal, UUID)


def _spell(value) -> str:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
