"""Field coverage of a job's payloads: which source fields are there, how often, what types.

The report makes mapping gaps visible: a field the platform started sending, or one that is
empty on most listings, shows up here before it shows up as a bad catalog.
"""

from __future__ import annotations

from typing import Any

MAX_EXAMPLES = 3
MAX_DEPTH = 6


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "bool",
        int: "int",
        float: "float",
        str: "string",
        list: "list",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value == "-"


def _walk(value: Any, path: str, seen: dict[str, Any], depth: int = 0) -> None:
    if path:
        seen.setdefault(path, [])
        seen[path].append(value)
    if depth >= MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            _walk(child, f"{path}.{key}" if path else key, seen, depth + 1)
    elif isinstance(value, list):
        for child in value[:20]:  # the shape of a list shows in its first items
            _walk(child, f"{path}[]", seen, depth + 1)


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
            counter.fields[path] = {
                "present": entry["present"],
                "empty": entry["empty"],
                "types": dict(entry["types"]),
                "examples": list(entry["examples"]),
            }
        return counter

    def add(self, payload: Any) -> None:
        self.records += 1
        seen: dict[str, list[Any]] = {}
        _walk(payload, "", seen)
        for path, values in seen.items():
            entry = self.fields.setdefault(
                path, {"present": 0, "empty": 0, "types": {}, "examples": []}
            )
            entry["present"] += 1
            if all(_is_empty(v) for v in values):
                entry["empty"] += 1
            for value in values[:1]:
                kind = _type_name(value)
                entry["types"][kind] = entry["types"].get(kind, 0) + 1
                if (
                    len(entry["examples"]) < MAX_EXAMPLES
                    and not _is_empty(value)
                    and kind not in ("object", "list")
                ):
                    example = str(value)[:60]
                    if example not in entry["examples"]:
                        entry["examples"].append(example)

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
