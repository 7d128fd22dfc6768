"""Query parameters every API list shares: unknown names and orderings are refused (a typo
would otherwise return the whole unfiltered list), and orderings by a field that may be
empty page through every row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.settings import api_settings

# Where an ordering field is empty the list orders by this annotation instead: the field, or
# -1 for an empty one (every nullable ordering field holds values >= 0, so empty rows come
# first ascending and last descending). A cursor then never holds "None".
SORT_SUFFIX = "_or_empty"
EMPTY_SORTS_AS = -1
RESERVED = {"detail", "non_field_errors"}

MAX_UTC_OFFSET = timedelta(hours=14)  # the widest real time zone; PostgreSQL refuses more


def sort_output_field(field: models.Field) -> models.Field:
    """The annotation's type: the field's own range (a cursor beyond it is refused as
    before), widened to allow the -1 of empty rows."""
    if isinstance(field, models.DecimalField):
        return models.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places)
    if isinstance(field, models.SmallIntegerField):  # PositiveSmallIntegerField too
        return models.SmallIntegerField()
    if isinstance(field, models.BigIntegerField):
        return models.BigIntegerField()
    if isinstance(field, models.IntegerField):
        return models.IntegerField()
    raise ImproperlyConfigured(f"Ordering by the nullable {field!r} needs a sort value for empty")


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering filter, but an unknown field is a 400 naming the allowed ones, and a
    nullable field orders by a never-empty annotation under the same public name."""

    def allowed(self, view) -> list[str]:
        return list(getattr(view, "ordering_fields", None) or [])

    def get_ordering(self, request, queryset, view) -> tuple[str, ...] | None:
        raw = request.query_params.get(self.ordering_param)
        if not raw or not raw.strip():
            return self.get_default_ordering(view)
        allowed = self.allowed(view)
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown or not terms:
            message = _(
                "Unknown ordering: %(unknown)s. Allowed: %(allowed)s (- before a name reverses it)."
            ) % {
                "unknown": ", ".join(unknown) or raw,
                "allowed": ", ".join(allowed),
            }
            raise exceptions.ValidationError({"detail": message, self.ordering_param: [message]})
        model = queryset.model
        ordering = [self._sort_term(model, term) for term in terms]
        # Rows sharing a value (every unscored product) need a fixed order among themselves,
        # or the cursor's offset within them skips or repeats rows from one page to the next.
        tiebreak = "-pk" if terms[0].startswith("-") else "pk"
        return (*ordering, tiebreak)

    @staticmethod
    def _sort_term(model: type[models.Model], term: str) -> str:
        name = term.lstrip("-")
        try:
            nullable = model._meta.get_field(name).null
        except FieldDoesNotExist:
            nullable = False
        return f"{term}{SORT_SUFFIX}" if nullable else term

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return annotate_sorts(queryset, ordering).order_by(*ordering)

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        allowed = self.allowed(view)
        values = [value for name in allowed for value in (name, f"-{name}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by one of these fields; - before the name reverses it. "
                "Rows where the field is empty come first ascending and last descending. "
                "Several, comma-separated, also work. Anything else is a 400.",
                "schema": {"type": "string", "enum": values},
            }
        ]


def annotate_sorts(queryset: models.QuerySet, ordering: Iterable[str]) -> models.QuerySet:
    """Add the never-empty annotation of each nullable field `ordering` sorts by."""
    annotations = {}
    for term in ordering:
        name = term.lstrip("-")
        if not name.endswith(SORT_SUFFIX) or name in queryset.query.annotations:
            continue
        field = queryset.model._meta.get_field(name.removesuffix(SORT_SUFFIX))
        output = sort_output_field(field)
        empty = Decimal(EMPTY_SORTS_AS) if isinstance(output, models.DecimalField) else -1
        annotations[name] = Coalesce(
            field.name, models.Value(empty, output_field=output), output_field=output
        )
    return queryset.annotate(**annotations) if annotations else queryset


class KnownParametersFilter(BaseFilterBackend):
    """A list refuses query parameters it does not know (setting API_REJECT_UNKNOWN_PARAMETERS):
    `?serach=sepatu` is a 400 naming `serach`, not every product."""

    def known(self, request, queryset, view) -> set[str]:
        names = {api_settings.URL_FORMAT_OVERRIDE}
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            names.update(filterset_class.base_filters)
        for backend in getattr(view, "filter_backends", []):
            for attribute in ("ordering_param", "search_param"):
                if hasattr(backend, attribute):
                    names.add(getattr(backend, attribute))
        paginator = getattr(view, "paginator", None)
        for attribute in (
            "cursor_query_param",
            "page_size_query_param",
            "page_query_param",
            "limit_query_param",
            "offset_query_param",
        ):
            value = getattr(paginator, attribute, None)
            if value:
                names.add(value)
        return {name for name in names if name}

    def filter_queryset(self, request, queryset, view):
        if not getattr(settings, "API_REJECT_UNKNOWN_PARAMETERS", True):
            return queryset
        if getattr(view, "action", None) != "list":  # one object: its URL says which
            return queryset
        known = self.known(request, queryset, view)
        unknown = sorted(name for name in request.query_params if name not in known)
        if unknown:
            message = ngettext(
                "Unknown query parameter: %(names)s",
                "Unknown query parameters: %(names)s",
                len(unknown),
            ) % {"names": ", ".join(unknown)}
            # The error body's own keys cannot be field names: those are named in the message.
            fields = {n: [_("Unknown parameter.")] for n in unknown if n not in RESERVED}
            raise exceptions.ValidationError({**fields, "detail": message})
        return queryset


class FilterSetBackend(DjangoFilterBackend):
    """django-filter's backend, except that a request naming none of the FilterSet's filters
    builds no FilterSet: every filter lets an empty value through, so the answer is the
    queryset unchanged, without a form and a deep copy of every filter each request (a
    noticeable share of reading a page). A parameter that could be one of a filter's (its name,
    or the name with a suffix, as a range filter's `_min`) takes the usual way.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(request, filterset_class) -> bool:
    filters = filterset_class.base_filters
    if any(f.extra.get("required") for f in filters.values()):
        return True  # its absence is an error the FilterSet reports
    return any(
        parameter == name or parameter.startswith(f"{name}_")
        for parameter in request.query_params
        for name in filters
    )
