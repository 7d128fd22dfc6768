"""Field coverage of a job's payloads: which source fields are there, how often, what types.

The report makes mapping gaps visible: a field the platform started sending, or one that is
empty on most listings, shows up here before it shows up as a bad catalog.
"""

from __future__ import annotations

from typing import Any

MAX_EXAMPLES = 3
MAX_DEPTH = 6
LIST_ITEMS_READ = 20  # the shape of a list shows in its first items
TYPE_NAMES = {
    type(None): "null",
    bool: "bool",
    int: "int",
    float: "float",
    str: "string",
    list: "list",
    dict: "object",
}
EMPTY_TEXTS = ("", "-")


def _type_name(value: Any) -> str:
    return TYPE_NAMES.get(type(value)) or type(value).__name__


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value == "-"


def _note(path: Any, value: Any, seen: dict[Any, list]) -> bool:
    """Record one value of the field at `path`; True when it has fields of its own."""
    kind = type(value)
    if value is None:
        empty = True
    elif kind is str:
        empty = value in EMPTY_TEXTS
    elif kind is dict or kind is list:
        empty = not value
    elif kind is int or kind is float or kind is bool:
        empty = False
    else:
        empty = _is_empty(value)
    if path:  # a key "" at the top is no field of its own (its fields are)
        entry = seen.get(path)
        if entry is None:
            seen[path] = [value, empty, empty]
        elif entry[2] and not empty:
            entry[2] = False
    return kind is dict or kind is list or isinstance(value, (dict, list))


def _visit(container: dict | list, prefix: Any, depth: int, seen: dict[Any, list]) -> None:
    """Each field under `container` (at `depth`): its first value, whether that one is empty
    and whether all its values are (`seen[path] = [first, first empty, all empty]`).

    Every payload goes through here, so the common JSON types are told apart by their exact
    type; anything else gets the general test. Most fields are plain texts and numbers: they
    are recorded in the loop itself (a call per field was a fifth of the walk).
    """
    deeper = depth + 1 < MAX_DEPTH
    if isinstance(container, dict):
        for key, child in container.items():
            path = f"{prefix}.{key}" if prefix else key
            kind = type(child)
            if path and (kind is str or kind is int or kind is float or kind is bool):
                empty = kind is str and child in EMPTY_TEXTS
                entry = seen.get(path)
                if entry is None:
                    seen[path] = [child, empty, empty]
                elif entry[2] and not empty:
                    entry[2] = False
            elif _note(path, child, seen) and deeper:
                _visit(child, path, depth + 1, seen)
    else:
        path = f"{prefix}[]"
        for child in container[:LIST_ITEMS_READ]:
            if _note(path, child, seen) and deeper:
                _visit(child, path, depth + 1, seen)


def _entry_copy(entry: dict[str, Any]) -> dict[str, Any]:
    """A field's counts, its own (a stored report's or another counter's stay untouched)."""
    return {
        "present": entry["present"],
        "empty": entry["empty"],
        "types": dict(entry["types"]),
        "examples": list(entry["examples"]),
    }


class CoverageCounter:
    """Accumulates coverage over payloads streamed through `add`."""

    def __init__(self) -> None:
        self.records = 0
        self.fields: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_report(cls, report: dict[str, Any] | None) -> CoverageCounter:
        """Continue counting from a stored report (a resumed job)."""
        counter = cls()
        counter.records = int((report or {}).get("records") or 0)
        for path, entry in ((report or {}).get("fields") or {}).items():
            counter.fields[path] = _entry_copy(entry)
        return counter

    def add(self, payload: Any) -> None:
        self.records += 1
        seen: dict[Any, list] = {}
        if isinstance(payload, (dict, list)):
            _visit(payload, "", 0, seen)
        fields = self.fields
        for path, (first, first_empty, all_empty) in seen.items():
            entry = fields.get(path)
            if entry is None:
                entry = fields[path] = {"present": 0, "empty": 0, "types": {}, "examples": []}
            entry["present"] += 1
            if all_empty:
                entry["empty"] += 1
            kind = _type_name(first)
            types = entry["types"]
            types[kind] = types.get(kind, 0) + 1
            examples = entry["examples"]
            if (
                len(examples) < MAX_EXAMPLES
                and not first_empty
                and kind != "object"
                and kind != "list"
            ):
                example = str(first)[:60]
                if example not in examples:
                    examples.append(example)

    def merge(self, other: CoverageCounter) -> None:
        """Add another counter's payloads, as if `add` had seen them after this one's."""
        self.records += other.records
        for path, theirs in other.fields.items():
            entry = self.fields.get(path)
            if entry is None:
                self.fields[path] = _entry_copy(theirs)
                continue
            entry["present"] += theirs["present"]
            entry["empty"] += theirs["empty"]
            types = entry["types"]
            for kind, count in theirs["types"].items():
                types[kind] = types.get(kind, 0) + count
            examples = entry["examples"]
            for example in theirs["examples"]:
                if len(examples) >= MAX_EXAMPLES:
                    break
                if example not in examples:
                    examples.append(example)

    def report(self) -> dict[str, Any]:
        fields = {
            path: {
                **entry,
                "coverage": round(100 * entry["present"] / self.records, 1)
                if self.records
                else 0.0,
                "odd_types": len(entry["types"]) > 1,
            }
            for path, entry in sorted(self.fields.items())
        }
        return {"records": self.records, "fields": fields}
