"""Set-based writes Django's ORM does slowly: many rows, different values, one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


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


def copy_insert(model: type[Model], objects: Sequence[Model], fields: Sequence[str]) -> int:
    """INSERT many new rows with COPY: several times faster than a multi-row INSERT.

    Values go through each field's own `get_db_prep_save`, so they are stored exactly as
    `bulk_create` would store them. Database defaults and generated columns are left out.
    """
    if not objects:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in columns)
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
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            )
    return len(objects)
