"""Set-based writes Django's ORM does slowly: many rows, different values, one statement."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
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
from django.db.models.base import DEFERRED, ModelState
from django.db.models.fields import NOT_PROVIDED
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

# orjson's options that keep its JSON the value json.dumps writes: what orjson would write its
# own way (subclasses, dates, dataclasses) and keys that are not strings raise, and are left to
# json.dumps instead.
ORJSON_LIKE_JSON_DUMPS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
JSON_VALUE_TYPES = (dict, list, str, int, float, bool)


def _as_json_dumps_reads(value: Any) -> Any:
    """A subclass of a JSON type as the plain value json.dumps writes for it (a TextChoices
    member, which every price breakdown holds, is its text; a named tuple a list). Anything
    else, and a float json.dumps would write as NaN or Infinity, raises: json.dumps decides."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float) and math.isfinite(value):
        return float.__float__(value)
    if isinstance(value, dict):
        return dict(value.items())
    if isinstance(value, list | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


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
        return orjson.dumps(
            value, default=_as_json_dumps_reads, option=ORJSON_LIKE_JSON_DUMPS
        ).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def text_array_literal(texts: list[str]) -> str:
    """PostgreSQL's text form of an array of texts, every item quoted: what psycopg's list
    dumper sends, written without its per-item dumper look-ups."""
    return (
        "{"
        + ",".join('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' for text in texts)
        + "}"
    )


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
                return text_array_literal(value)
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


def _as_it_is(value: Any) -> Any:
    return value


def copy_insert(
    model: type[Model],
    objects: Sequence[Model],
    fields: Sequence[str],
    *,
    written: Mapping[str, Callable[[Any], str | None]] | None = None,
) -> int:
    """INSERT many new rows with COPY: several times faster than a multi-row INSERT.

    Values go through each field's own `get_db_prep_save` (`copy_preparer`), so they are stored
    exactly as `bulk_create` would store them. Database defaults and generated columns are
    left out. `written`: for a JSON field, what gives an object's value already written as JSON
    text (a raw payload's canonical form, made for its hash), or None to write it here.
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
    taken = []  # (index, what gives the text, the field's own preparer)
    for index, field in enumerate(columns):
        if written and field.name in written:
            taken.append((index, written[field.name], preparers[index]))
            preparers[index] = _as_it_is
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
            values = values_of(obj)
            if taken:
                values = list(values)
                for index, text_of, prepare_value in taken:
                    text = text_of(obj)
                    values[index] = prepare_value(values[index]) if text is None else text
            copy.write_row(
                [prepare(value) for prepare, value in zip(preparers, values, strict=True)]
            )
    return len(objects)


class NewInstances:
    """`model(**values)` for the many unsaved rows a batch writes: the instance Django's
    `Model.__init__` builds (every field its value or its default, a related object set through
    its descriptor, `pk` through its property), without that method's search through the
    keywords field by field, which was 5% of an import's CPU.

    A model something listens to `pre_init` or `post_init` for (when the batch starts), with an
    `__init__` of its own or a field whose descriptor does more than store the value is built by
    `Model.__init__` itself. A generated or virtual field cannot be given, nor a related object
    and its id (or `pk` and the key's own name) at once: TypeError.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fixed: dict[str, Any] = {}  # defaults that are the same value every time
        self.made: list[tuple[str, str, Callable[[], Any]]] = []  # (attname, name, default)
        self.attnames: dict[str, str] = {}  # a field's keyword (name or attname) -> attname
        self.aliases: dict[str, str] = {"pk": model._meta.pk.attname}  # set through -> also
        own_descriptors = True
        for field in model._meta.concrete_fields:
            if field.generated:
                continue
            constant = field.db_default is NOT_PROVIDED and (
                not field.has_default() or not callable(field.default)
            )
            if constant:
                self.fixed[field.attname] = field.get_default()
            else:
                self.made.append((field.attname, field.name, field.get_default))
            self.attnames[field.attname] = field.attname
            if field.is_relation:
                self.attnames[field.name] = field.attname
                self.aliases[field.name] = field.attname
            descriptor = next(
                (k.__dict__[field.attname] for k in model.__mro__ if field.attname in k.__dict__),
                None,
            )
            # Django sets each value through the descriptor; these only store it on a new instance.
            if hasattr(type(descriptor), "__set__") and not isinstance(
                descriptor, ForeignKeyDeferredAttribute
            ):
                own_descriptors = False
        self.by_django = (
            not own_descriptors
            or model.__init__ is not Model.__init__
            or pre_init.has_listeners(model)
            or post_init.has_listeners(model)
        )
        self.properties = frozenset(model._meta._property_names)

    def __call__(self, **values: Any) -> Model:
        if self.by_django:
            return self.model(**values)
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        attributes = instance.__dict__
        attributes.update(self.fixed)
        for attname, name, default in self.made:
            if attname not in values and name not in values:
                attributes[attname] = default()
        attnames, aliases = self.attnames, self.aliases
        for name, value in values.items():
            attname = attnames.get(name)
            if value is DEFERRED:  # left unset, as Django leaves it: loaded when read
                if attname is not None:
                    attributes.pop(attname, None)
            elif attname == name:
                attributes[name] = value
            elif attname is not None or name in self.properties:
                if aliases.get(name) in values:
                    model = self.model.__name__
                    raise TypeError(f"{model}() got both {name!r} and {aliases[name]!r}")
                setattr(instance, name, value)
            else:
                model = self.model.__name__
                raise TypeError(f"{model}() got an unexpected keyword argument {name!r}")
        return instance
