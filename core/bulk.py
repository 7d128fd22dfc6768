"""Set-based writes Django's ORM does slowly: many rows, different values, one statement."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import orjson
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
    UUIDField,
)

# orjson's options that keep its JSON the value json.dumps writes: what orjson would write its
# own way (subclasses, dates, dataclasses) and keys that are not strings raise, and are left to
# json.dumps instead.
ORJSON_LIKE_JSON_DUMPS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
JSON_VALUE_TYPES = (dict, list, str, int, float, bool)


def bulk_update_rows(
    model: type[Model], objects: Sequence[Model], fields: Sequence[str], batch_size: int = 1000
) -> int:
    """UPDATE ... FROM (VALUES ...): one statement per batch instead of a CASE per field.

    Each value is cast to its column's database type, so JSON, arrays and decimals keep their
    types exactly as `QuerySet.bulk_update` would write them.
    """
    if not objects:
        return 0
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    casts = [pk.db_type(connection)] + [field.db_type(connection) for field in columns]
    names = [connection.ops.quote_name(pk.column)] + [
        connection.ops.quote_name(field.column) for field in columns
    ]
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            chunk = objects[start : start + batch_size]
            row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
            params: list[Any] = []
            for obj in chunk:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
            sql = (  # only quoted identifiers and placeholders are interpolated
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v({', '.join(names)}) "
                f"WHERE t.{names[0]} = v.{names[0]}"
            )
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def json_text(value: Any) -> str:
    """`value` as JSON, with orjson (several times faster); what orjson refuses (integers
    beyond 64 bits, other types) goes to json.dumps, which writes it or raises as before."""
    try:
        return orjson.dumps(value, option=ORJSON_LIKE_JSON_DUMPS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def copy_preparer(field: Field) -> Callable[[Any], Any]:
    """`field.get_db_prep_save` for COPY, skipping Django's per-value work where the value is
    already what it would produce: a str for a text column, a list of str for an array of
    them, an aware datetime, a finite Decimal, a JSON value (dumped by `json_text`). COPY
    sends every value as text, so an int is the same as the Int2/Int4/Int8 wrapper Django
    puts around it. Anything else (None, an expression, a naive datetime) takes Django's own
    way."""
    if isinstance(field, ForeignKey):
        return copy_preparer(field.target_field)
    slow = field.get_db_prep_save
    kind = type(field)
    if kind is JSONField and field.encoder is None:

        def prepare_json(value: Any) -> Any:
            if type(value) in JSON_VALUE_TYPES:
                return json_text(value)  # COPY sends text: no jsonb dumper needed
            return slow(value, connection)

        return prepare_json
    if kind is DateTimeField:

        def prepare_datetime(value: Any) -> Any:
            if type(value) is datetime.datetime and value.tzinfo is not None:
                return value
            return slow(value, connection)

        return prepare_datetime
    if kind is DecimalField:

        def prepare_decimal(value: Any) -> Any:
            if type(value) is decimal.Decimal and value.is_finite():
                return value
            return slow(value, connection)

        return prepare_decimal
    if kind is ArrayField and type(field.base_field) in (CharField, TextField):

        def prepare_texts(value: Any) -> Any:
            if type(value) is list and all(type(item) is str for item in value):
                return value
            return slow(value, connection)

        return prepare_texts
    ready: type | None = None
    if kind in (CharField, TextField):
        ready = str
    elif kind is BooleanField:
        ready = bool
    elif kind is UUIDField:
        ready = uuid.UUID
    elif isinstance(field, IntegerField):
        ready = int
    if ready is None:
        return lambda value: slow(value, connection)

    def prepare(value: Any) -> Any:
        return value if type(value) is ready else slow(value, connection)

    return prepare


def copy_insert(model: type[Model], objects: Sequence[Model], fields: Sequence[str]) -> int:
    """INSERT many new rows with COPY: several times faster than a multi-row INSERT.

    Values go through each field's own `get_db_prep_save` (`copy_preparer`), so they are stored
    exactly as `bulk_create` would store them. Database defaults and generated columns are
    left out.
    """
    if not objects:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in columns)
    get_values = attrgetter(*(field.attname for field in columns))
    values_of = get_values if len(columns) > 1 else lambda obj: (get_values(obj),)
    preparers = [copy_preparer(field) for field in columns]
    connection.ensure_connection()
    # Errors come out as Django's (IntegrityError, ...) as from any other query.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"  # only quoted identifiers are interpolated
        ) as copy,
    ):
        for obj in objects:
            copy.write_row(
                [prepare(value) for prepare, value in zip(preparers, values_of(obj), strict=True)]
            )
    return len(objects)
