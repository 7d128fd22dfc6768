"""The API's JSON parser: refuses bodies too deeply nested to parse, and NUL characters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from core.safe_json import UnsafeJSON, check_json_text_depth, check_no_nul, top_level_field


class SafeJSONParser(JSONParser):
    """JSONParser plus: nesting deeper than API_MAX_JSON_DEPTH is a 400 (checked on the raw
    text before parsing, so json never recurses that far), and so is a NUL character in any
    string or key, at any depth (PostgreSQL cannot store one), with the field path named."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        try:
            check_json_text_depth(text)
        except UnsafeJSON as exc:
            raise exceptions.ParseError(exc.message) from exc
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        try:
            check_no_nul(data)
        except UnsafeJSON as exc:
            field = top_level_field(exc.path) or "non_field_errors"
            raise exceptions.ValidationError({field: [exc.message]}) from exc
        return data
