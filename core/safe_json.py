"""Checks for JSON from outside (API bodies, admin JSON fields) that must never reach a 500.

Python's json module recurses once per nesting level, so a deeply nested document raises
RecursionError; PostgreSQL refuses NUL characters in text and jsonb. Both checks here are
iterative, so they cannot themselves hit the recursion limit.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NUL = "\x00"
DEFAULT_MAX_DEPTH = 32

# A JSON string (with its escapes) or one bracket: strings are skipped as a whole, so a
# bracket inside a string does not count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPENERS = "[{"


class UnsafeJSON(ValueError):
    """The document is refused; `path` is where (e.g. `variants[0].sku`), `message` why."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def max_json_depth() -> int:
    return int(getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))


def depth_error(limit: int) -> str:
    return str(_("JSON nested deeper than %(limit)s levels.") % {"limit": limit})


def check_json_text_depth(text: str, limit: int | None = None) -> None:
    """Refuse raw JSON text whose arrays/objects nest deeper than `limit`, before parsing."""
    limit = max_json_depth() if limit is None else limit
    # Cheap exit for almost every body: too few brackets to be too deep.
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in _OPENERS:
            depth += 1
            if depth > limit:
                raise UnsafeJSON(depth_error(limit))
        elif piece in "]}":
            depth = max(depth - 1, 0)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def find_nul(value: Any, path: str = "") -> str | None:
    """The path of the first string or key holding a NUL character, or None (iteratively)."""
    pending: list[tuple[Any, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return where
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                child_path = _join(where, key.replace(NUL, "\\u0000"))
                if NUL in key:
                    return child_path
                children.append((child, child_path))
            pending.extend(reversed(children))  # visited in document order
        elif isinstance(item, list):
            pending.extend((item[i], _join(where, i)) for i in range(len(item) - 1, -1, -1))
    return None


def nul_error(path: str) -> str:
    if not path:
        return str(_("Text may not contain NUL (\\u0000) characters."))
    return str(
        _("Text may not contain NUL (\\u0000) characters (found in %(path)s).") % {"path": path}
    )


def check_no_nul(value: Any, path: str = "") -> None:
    where = find_nul(value, path)
    if where is not None:
        raise UnsafeJSON(nul_error(where), where)


def top_level_field(path: str) -> str:
    """`variants[0].sku` -> `variants`: the request field an error belongs to."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]
