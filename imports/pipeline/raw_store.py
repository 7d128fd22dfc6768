"""Writing fetched payloads to raw_import_data, verbatim and idempotently."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson
from django.utils import timezone

from core.bulk import NewInstances
from imports.models import ImportJob, RawImportRecord


def _spelled_apart(canonical: bytes) -> bool:
    """Whether orjson may have written a float otherwise than json.dumps: it does so only
    between 1e-9 and 1e-4 ("0.00001", "1e-7" for "1e-05", "1e-07"), so "0.0000" or a digit,
    "e-" and a digit anywhere send the payload to json.dumps (rare, and harmless when a text
    merely looks so). A byte search: a regex takes ten times longer on a whole payload."""
    if b"0.0000" in canonical:
        return True
    at = canonical.find(b"e-", 1)
    while at != -1:
        if canonical[at - 1 : at].isdigit() and canonical[at + 2 : at + 3].isdigit():
            return True
        at = canonical.find(b"e-", at + 1)
    return False


# What orjson would write but json.dumps refuses (dates, subclasses, dataclasses) is refused.
_ORJSON_CANONICAL = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def canonical_json(payload: Any) -> bytes:
    """The payload as `json.dumps(sort_keys, compact separators, ensure_ascii=False)` writes
    it, UTF-8 encoded; orjson does it several times faster."""
    try:
        canonical = orjson.dumps(payload, option=_ORJSON_CANONICAL)
    except orjson.JSONEncodeError:  # non-str keys, huge integers: json.dumps decides
        canonical = None
    if canonical is None or _spelled_apart(canonical):
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        canonical = text.encode()
    return canonical


def hash_of(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def content_hash(payload: Any) -> str:
    """A stable hash of a payload (key order and whitespace do not matter)."""
    return hash_of(canonical_json(payload))


def written_json(raw: RawImportRecord) -> str | None:
    """A fetched row's payload as `canonical_json` wrote it for its hash, which COPY stores
    as it is (jsonb keeps no key order): no second encoding of every payload. None when the
    row's payload is no longer the one written, or the text holds what only json.dumps writes
    (NaN, Infinity: orjson's null is stored instead)."""
    payload, text = raw.__dict__.get("raw_data_json") or (None, None)
    if payload is None or payload is not raw.raw_data or "NaN" in text or "Infinity" in text:
        return None
    return text


def raw_records_prepare(
    *,
    job: ImportJob,
    records: list[tuple[str, dict[str, Any]]],
    hashes: dict[str, str] | None = None,
    canonical: dict[str, bytes] | None = None,
) -> tuple[list[RawImportRecord], int]:
    """A fetched page as raw rows to write with the catalog rows built from them.

    Listings this job stored before (a resumed or split window) keep their row and id, so a
    repeated page replaces, never duplicates. Returns the rows and how many are new.
    `hashes`, `canonical`: the payloads' content hashes and canonical JSON when already worked
    out (by platform product id); each row keeps its payload's canonical JSON for COPY
    (`written_json`).
    """
    hashes, canonical = hashes or {}, canonical or {}
    unique = dict(records)  # a listing seen twice in one page keeps its last payload
    stored = dict(
        RawImportRecord.objects.filter(
            import_job=job, platform_product_id__in=list(unique)
        ).values_list("platform_product_id", "pk")
    )
    now = timezone.now()
    new_row = NewInstances(RawImportRecord)
    rows = []
    for product_id, payload in unique.items():
        text = canonical.get(product_id) or canonical_json(payload)
        row = new_row(
            pk=stored.get(product_id),
            import_job_id=job.pk,
            organization_id=job.organization_id,
            platform=job.platform,
            platform_product_id=product_id,
            raw_data=payload,
            content_hash=hashes.get(product_id) or hash_of(text),
            imported_at=now,
        )
        row.raw_data_json = (payload, text.decode())
        rows.append(row)
    return rows, len(unique) - len(stored)
