"""Declarative field mappings from each platform's payload to one listing record.

Each FieldMapping says where a target field comes from (a dotted path into the raw payload, or
several), how the value is converted, whether it is required, and its default. Each platform's
mappings are in its package (imports/platforms/<name>/mappings.py), found through the adapter:
Shopee records are `{"base_info": ..., "models": ...}` as fetched; TikTok records are the
product detail.

Price decision: the master's base price is the seller's own list price before tax and before
promotions — Shopee `original_price` (for variant items, the lowest model's), TikTok
`sale_price`, else `tax_exclusive_price` (lowest SKU). Promotion and tax-inclusive prices stay
in `platform_data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from catalog.listing_contract import Issue, ListingRecord
from imports.pipeline import transforms as t
from imports.platforms import adapter_for

MISSING = object()


@dataclass(frozen=True)
class FieldMapping:
    target: str
    source: str | tuple[str, ...]  # dotted path(s); "" is the whole payload
    transform: Callable[..., Any] = lambda value: value
    required: bool = False
    default: Any = None
    warn_if_missing: bool = False  # a quality gap, not an error
    needs_context: bool = False  # the transform also gets the shop's reference data

    @cached_property
    def paths(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source

    @cached_property
    def steps(self) -> tuple[tuple[str, ...], ...]:
        """Each source path's parts (every payload reads them: split once)."""
        return tuple(tuple(path.split(".")) if path else () for path in self.paths)


def get_path(payload: Any, path: str) -> Any:
    return _follow(payload, tuple(path.split(".")) if path else ())


def _follow(payload: Any, parts: tuple[str, ...]) -> Any:
    value = payload
    for part in parts:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def _blank(value: Any) -> bool:
    """Missing, None, "", [] or {} (the common types told apart without comparing)."""
    if value is None or value is MISSING:
        return True
    kind = type(value)
    if kind is str or kind is list or kind is dict:
        return not value
    if kind is int or kind is Decimal or kind is float or kind is bool or kind is tuple:
        return False
    return value in (None, "", [], {})


def _excerpt(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text[:80] + ("…" if len(text) > 80 else "")


def apply_mappings(
    platform: str, mappings: tuple[FieldMapping, ...], payload: Any, context: dict[str, Any]
) -> ListingRecord:
    record = ListingRecord(platform)
    for mapping in mappings:
        paths = mapping.paths
        raw = [_follow(payload, parts) for parts in mapping.steps]
        primary = raw[0]
        if all(_blank(value) for value in raw):
            if mapping.required:
                record.issues.append(Issue(mapping.target, f"missing ({paths[0] or 'payload'})"))
            elif mapping.warn_if_missing:
                record.issues.append(
                    Issue(mapping.target, f"missing ({paths[0]})", severity="warning")
                )
            record.values[mapping.target] = mapping.default
            continue
        args = [None if value is MISSING else value for value in raw]
        if mapping.needs_context:
            args.append(context)
        try:
            value = mapping.transform(*args)
        except (
            t.TransformError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            ValueError,
        ) as exc:
            severity = "error" if mapping.required else "warning"
            problem = (
                str(exc)
                if isinstance(exc, t.TransformError)
                else (f"unexpected shape ({type(exc).__name__}: {exc})")
            )
            record.issues.append(Issue(mapping.target, problem, _excerpt(primary), severity))
            record.values[mapping.target] = mapping.default
            continue
        if _blank(value):
            if mapping.required:
                record.issues.append(Issue(mapping.target, "empty", _excerpt(primary)))
            elif mapping.warn_if_missing:
                record.issues.append(
                    Issue(mapping.target, "empty", _excerpt(primary), severity="warning")
                )
        record.values[mapping.target] = mapping.default if value is None else value
    return record


def shop_title_limit(platform: str, context: dict[str, Any]) -> int | None:
    """The shop's own title limit, when the platform tells it (Shopee's get_item_limit)."""
    return adapter_for(platform).title_limit(context)


def transform_record(platform: str, payload: Any, context: dict[str, Any]) -> ListingRecord:
    """One raw payload -> a listing record with its issues (never raises on bad data)."""
    if not isinstance(payload, dict):
        record = ListingRecord(platform)
        record.issues.append(Issue("payload", "not a JSON object", _excerpt(payload)))
        return record
    record = apply_mappings(platform, adapter_for(platform).mappings, payload, context)
    title_limit = shop_title_limit(platform, context)
    if title_limit:
        record.values["title_limit"] = title_limit
    category, subcategory = record.get("category_pair") or ("", "")
    record.values["category"], record.values["subcategory"] = category, subcategory
    description = record.get("full_description") or ""
    record.values["short_description"] = t.short_text(description)
    if record.get("base_price") is not None and record["base_price"] <= 0:
        record.issues.append(
            Issue("base_price", "must be more than zero", str(record["base_price"]))
        )
    return record
