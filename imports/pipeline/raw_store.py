"""Writing fetched payloads to raw_import_data, verbatim and idempotently."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection
from django.utils import timezone

from imports.models import ImportJob, RawImportRecord


def content_hash(payload: Any) -> str:
    """A stable hash of a payload (key order and whitespace do not matter)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def raw_records_upsert(*, job: ImportJob, records: list[tuple[str, dict[str, Any]]]) -> int:
    """Insert or replace the job's records; returns how many listings are new to the job.

    A repeated page (after a resume or a split window) updates in place, never duplicates.
    """
    if not records:
        return 0
    unique = dict(records)  # a listing seen twice in one page keeps its last payload
    table = RawImportRecord._meta.db_table
    values, params = [], []
    for product_id, payload in unique.items():
        values.append("(%s, %s, %s, %s, %s::jsonb, %s, false, '[]'::jsonb, now())")
        params += [
            job.pk,
            job.organization_id,
            job.platform,
            product_id,
            json.dumps(payload, ensure_ascii=False),
            content_hash(payload),
        ]
    # Only placeholders and our own table name are interpolated; values go as parameters.
    sql = (
        f"INSERT INTO {table} (import_job_id, organization_id, platform, platform_product_id, "  # noqa: S608
        "raw_data, content_hash, processed, processing_errors, imported_at) "
        f"VALUES {', '.join(values)} "
        "ON CONFLICT (import_job_id, platform_product_id) DO UPDATE SET "
        "raw_data = EXCLUDED.raw_data, content_hash = EXCLUDED.content_hash "
        "RETURNING (xmax = 0)"  # true for a row this statement inserted
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sum(1 for (inserted,) in cursor.fetchall() if inserted)


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
