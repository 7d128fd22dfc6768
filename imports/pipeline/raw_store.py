"""Writing fetched payloads to raw_import_data, verbatim and idempotently."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils import timezone

from imports.models import ImportJob, RawImportRecord


def content_hash(payload: Any) -> str:
    """A stable hash of a payload (key order and whitespace do not matter)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def raw_records_prepare(
    *, job: ImportJob, records: list[tuple[str, dict[str, Any]]]
) -> tuple[list[RawImportRecord], int]:
    """A fetched page as raw rows to write with the catalog rows built from them.

    Listings this job stored before (a resumed or split window) keep their row and id, so a
    repeated page replaces, never duplicates. Returns the rows and how many are new.
    """
    unique = dict(records)  # a listing seen twice in one page keeps its last payload
    stored = dict(
        RawImportRecord.objects.filter(
            import_job=job, platform_product_id__in=list(unique)
        ).values_list("platform_product_id", "pk")
    )
    now = timezone.now()
    rows = [
        RawImportRecord(
            pk=stored.get(product_id),
            import_job_id=job.pk,
            organization_id=job.organization_id,
            platform=job.platform,
            platform_product_id=product_id,
            raw_data=payload,
            content_hash=content_hash(payload),
            imported_at=now,
        )
        for product_id, payload in unique.items()
    ]
    return rows, len(unique) - len(stored)
