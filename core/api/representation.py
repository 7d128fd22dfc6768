"""Long read-only lists without DRF's per-field machinery: the same fields, compiled once.

A ModelSerializer builds its fields again for every request and, for every value, goes through
`get_attribute` and `to_representation` even where that returns the value unchanged (a string
column, an integer, JSON). For a page of 50 products with their listings that was most of the
request. `compiled_representation` reads the serializer's fields once per process and keeps,
per field, only the work that changes the value: the field's own `to_representation` for
decimals, datetimes, ids and methods, nothing for plain strings, numbers and JSON. The output is
the serializer's own, key for key (tests/catalog/api pin it against the serializer).

Rows may be model instances or dicts of `.values()` (DRF reads a Mapping by key too).

Only for fields that do not depend on the request: the compiled fields belong to a serializer
built without context, shared by every request of the process.
"""

from __future__ import annotations

import decimal
import functools
import operator
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import ISO_8601, api_settings

Representation = Callable[[Any], dict[str, Any]]
_list_zone: ContextVar[tzinfo | None] = ContextVar("_list_zone", default=None)

# Fields whose to_representation gives a value of the model column back unchanged (str(text),
# int(number), a bool, decoded JSON); exact types only: a subclass may change the value.
UNCHANGED = frozenset(
    {
        serializers.CharField,
        serializers.ChoiceField,
        serializers.IntegerField,
        serializers.BooleanField,
        serializers.ReadOnlyField,
    }
)


def _unchanged(field: serializers.Field) -> bool:
    kind = type(field)
    if kind in UNCHANGED:
        return True
    if kind is serializers.JSONField:
        return not field.binary
    if kind is serializers.ListField:
        return _unchanged(field.child)
    return False


def _id_of_foreign_key(field: serializers.Field) -> bool:
    """A related object served as its bare id: DRF reads the id column for it (a PKOnlyObject)
    and serves that id unchanged, so the column can be read like any other."""
    kind, base = type(field), serializers.PrimaryKeyRelatedField
    return (
        isinstance(field, base)
        and kind.get_attribute is base.get_attribute  # a subclass may serve something else
        and kind.to_representation is base.to_representation
        and field.pk_field is None
        and field.use_pk_only_optimization()
    )


def _model_column(serializer: serializers.Serializer, field: serializers.Field) -> str | None:
    """The attribute name when the field reads one column of the model: a plain column, or
    the id column of a foreign key served as its id."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or len(field.source_attrs) != 1:
        return None
    try:
        column = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not column.concrete:
        return None
    if column.is_relation and not (column.many_to_one and _id_of_foreign_key(field)):
        return None
    return column.attname


@functools.cache
def representation_columns(serializer_class: type[serializers.Serializer]) -> tuple[str, ...]:
    """The model columns the compiled representation reads: what `.values()` rows need (its
    methods and nested lists may need more)."""
    serializer = serializer_class()
    columns = (_model_column(serializer, field) for field in serializer._readable_fields)
    return tuple(column for column in columns if column is not None)


def _iso_datetime(field: serializers.DateTimeField) -> Callable[[Any], Any] | None:
    """DateTimeField.to_representation for its default ISO 8601 output, without the checks
    it repeats for every value (three timestamps a product and a listing); None when the
    field has its own format or time zone."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if hasattr(field, "timezone") or not isinstance(output_format, str):
        return None
    if output_format.lower() != ISO_8601:
        return None

    def convert(value: Any) -> Any:
        if not isinstance(value, datetime) or value.tzinfo is None:
            return field.to_representation(value)
        try:
            zone = _list_zone.get() or timezone.get_current_timezone()
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _plain_decimal(field: serializers.DecimalField) -> Callable[[Any], Any] | None:
    """DecimalField.to_representation for a number PostgreSQL sends with the field's own
    decimal places (a numeric column's always are): quantizing it again changes nothing, so
    it is written as is; anything else goes through DRF."""
    if field.decimal_places is None:
        return None
    coerce_to_string = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce_to_string or field.normalize_output or field.localize:
        return None
    exponent, max_digits = -field.decimal_places, field.max_digits

    def convert(value: Any) -> Any:
        if type(value) is Decimal and value.is_finite():
            _sign, digits, value_exponent = value.as_tuple()
            # without max_digits DRF quantizes to the context's precision (and may refuse)
            limit = max_digits if max_digits is not None else decimal.getcontext().prec
            if value_exponent == exponent and len(digits) <= limit:
                return format(value, "f")
        return field.to_representation(value)

    return convert


def _converter(field: serializers.Field) -> Callable[[Any], Any] | None:
    """What turns a value that is not None into the field's output (None: nothing)."""
    if type(field) is serializers.DateTimeField:
        fast = _iso_datetime(field)
        if fast is not None:
            return fast
    if type(field) is serializers.DecimalField:
        fast = _plain_decimal(field)
        if fast is not None:
            return fast
    if isinstance(field, serializers.ListSerializer):
        represent = _compile(field.child)

        def convert(items: Any) -> list[dict[str, Any]]:
            iterable = items.all() if isinstance(items, BaseManager) else items
            return [represent(item) for item in iterable]

        return convert
    return None if _unchanged(field) else field.to_representation


def _reader(attnames: list[str]) -> Callable[[Any], tuple]:
    """The columns of a model instance, or of a `.values()` row (read by key, as DRF does)."""
    if not attnames:
        return lambda instance: ()
    by_attribute, by_key = operator.attrgetter(*attnames), operator.itemgetter(*attnames)
    if len(attnames) == 1:  # the getters then return the value itself, not a tuple

        def read_one(instance: Any) -> tuple:
            return (by_key(instance) if isinstance(instance, dict) else by_attribute(instance),)

        return read_one

    def read(instance: Any) -> tuple:
        return by_key(instance) if isinstance(instance, dict) else by_attribute(instance)

    return read


def _compile(serializer: serializers.Serializer) -> Representation:
    """Serializer.to_representation, in three passes: the plain columns read at once (in C),
    the values among them that need converting, then the fields DRF must read itself
    (relations, methods, nested lists). The keys keep the serializer's order."""
    fields = list(serializer._readable_fields)
    names = [field.field_name for field in fields]
    columns, attnames, converted, general = [], [], [], []
    for field in fields:
        attname = _model_column(serializer, field)
        # A foreign key read from its id column needs nothing; read by DRF it is a PKOnlyObject
        id_column = attname is not None and _id_of_foreign_key(field)
        convert = None if id_column else _converter(field)
        if attname is None:
            general.append((field.field_name, field, convert))
            continue
        columns.append(field.field_name)
        attnames.append(attname)
        if convert is not None:
            converted.append((field.field_name, convert))
    read = _reader(attnames)

    def represent(instance: Any) -> dict[str, Any]:
        row = dict.fromkeys(names)
        row.update(zip(columns, read(instance), strict=True))
        for name, convert in converted:
            value = row[name]
            if value is not None:
                row[name] = convert(value)
        for name, field, convert in general:
            try:
                value = field.get_attribute(instance)
            except SkipField:
                del row[name]
                continue
            empty = value.pk if isinstance(value, PKOnlyObject) else value
            if empty is not None:
                row[name] = value if convert is None else convert(value)
        return row

    return represent


@functools.cache
def compiled_representation(serializer_class: type[serializers.Serializer]) -> Representation:
    """instance -> the dict `serializer_class(instance).data` gives (nested lists included)."""
    return _compile(serializer_class())


class CompiledListSerializer(serializers.ListSerializer):
    """A list of the child serializer's representations, compiled (see the module)."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        represent = compiled_representation(type(self.child))
        iterable = data.all() if isinstance(data, BaseManager) else data
        # The current time zone, read once for the list rather than for every timestamp.
        token = _list_zone.set(timezone.get_current_timezone())
        try:
            return [represent(item) for item in iterable]
        finally:
            _list_zone.reset(token)
