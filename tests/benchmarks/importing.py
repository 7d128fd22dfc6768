"""Full and incremental imports through the real pipeline, and the COPY floor on their rows."""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from core.models import Organization
from imports.models import ImportJob
from imports.pipeline.runner import ImportRunner
from imports.services import import_job_start
from tests.sandbox_fixtures import connect_sandbox

PLATFORMS = ("shopee", "tiktokshop")


class SandboxCredentials:
    """What `connect_sandbox` needs from a sandbox, read from `marketplace_sandbox --json`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.base_url = data["base_url"]
        self._data = data

    def credentials(self) -> dict[str, Any]:
        return self._data


def new_organization(label: str) -> Organization:
    suffix = uuid.uuid4().hex[:8]
    return Organization.objects.create(name=f"Benchmark {label} {suffix}", slug=f"bench-{suffix}")


def job_figures(job: ImportJob, wall: float) -> dict[str, Any]:
    return {
        "wall_seconds": round(wall, 3),
        "status": job.status,
        "listed": job.listed_count,
        "fetched": job.fetched_count,
        "stored": job.stored_count,
        "failed": job.failed_count,
        "processed": job.processed_count,
        "created": job.created_count,
        "linked": job.linked_count,
        "suggested": job.suggested_count,
        "unchanged": job.unchanged_count,
        "invalid": job.invalid_count,
        "api_calls": job.api_calls,
        "api_stats": job.api_stats,
        "stage_seconds": job.stage_seconds,
    }


def run_job(connection_row, mode: str = ImportJob.Mode.FULL) -> dict[str, Any]:
    job = import_job_start(connection=connection_row, mode=mode, queue=False)
    start = time.perf_counter()
    ImportRunner(job).run()
    wall = time.perf_counter() - start
    job.refresh_from_db()
    return job_figures(job, wall)


def import_catalog(
    *,
    sandbox: dict[str, Any],
    label: str,
    qps: float = 2000,
    concurrency: int = 4,
    incremental: bool = False,
) -> dict[str, Any]:
    """Both shops into one organization (Shopee first, so TikTok listings match against it)."""
    organization = new_organization(label)
    credentials = SandboxCredentials(sandbox)
    connections = {
        platform: connect_sandbox(
            credentials, organization, platform, rate_limit_qps=qps, concurrency=concurrency
        )
        for platform in PLATFORMS
    }
    result: dict[str, Any] = {"organization_id": organization.pk, "full": {}, "incremental": {}}
    for platform in PLATFORMS:
        result["full"][platform] = run_job(connections[platform])
    if incremental:
        for platform in PLATFORMS:
            result["incremental"][platform] = run_job(
                connections[platform], ImportJob.Mode.INCREMENTAL
            )
    return result


# The catalog rows an import writes, in foreign-key order.
COPY_TABLES = ("master_products", "platform_mappings", "raw_import_data")


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_floor(*, organization_id: int) -> dict[str, Any]:
    """COPY the organization's final rows back into the same tables (same indexes, same
    constraints checked immediately), timed, inside a transaction that is rolled back."""
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = {table: Path(folder) / f"{table}.copy" for table in COPY_TABLES}
        columns = {table: ", ".join(f'"{c}"' for c in _columns(table)) for table in COPY_TABLES}
        with connection.cursor() as cursor:
            for table in COPY_TABLES:
                query = (
                    f"COPY (SELECT {columns[table]} FROM {table} "  # noqa: S608
                    f"WHERE organization_id = {int(organization_id)}) TO STDOUT"
                )
                with files[table].open("wb") as out, cursor.cursor.copy(query) as copy:
                    for chunk in copy:
                        out.write(chunk)
        with transaction.atomic(), connection.cursor() as cursor:
            for table in reversed(COPY_TABLES):
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization_id])  # noqa: S608
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in COPY_TABLES:
                start = time.perf_counter()
                with (
                    files[table].open("rb") as source,
                    cursor.cursor.copy(f"COPY {table} ({columns[table]}) FROM STDIN") as copy,
                ):
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
                timings[table] = round(time.perf_counter() - start, 3)
                cursor.execute(
                    f"SELECT count(*) FROM {table} WHERE organization_id = %s",  # noqa: S608
                    [organization_id],
                )
                rows[table] = cursor.fetchone()[0]
            transaction.set_rollback(True)
    return {"seconds": timings, "rows": rows, "total_seconds": round(sum(timings.values()), 3)}


def reset(*, keep_slug: str = "bench-serving") -> dict[str, Any]:
    """Drop earlier benchmark imports (not the generated serving catalog)."""
    ids = list(
        Organization.objects.filter(slug__startswith="bench-")
        .exclude(slug=keep_slug)
        .values_list("pk", flat=True)
    )
    if ids:
        from imports.models import PublishJob

        PublishJob.objects.filter(organization_id__in=ids).delete()  # with their items
        with connection.cursor() as cursor:
            for table in (
                "imports_importjobevent",
                "raw_import_data",
                "platform_mappings",
                "master_products",
            ):
                if table == "imports_importjobevent":
                    cursor.execute(
                        f"DELETE FROM {table} WHERE job_id IN (SELECT id FROM imports_importjob "  # noqa: S608
                        "WHERE organization_id = ANY(%s))",
                        [ids],
                    )
                else:
                    cursor.execute(f"DELETE FROM {table} WHERE organization_id = ANY(%s)", [ids])  # noqa: S608
        ImportJob.objects.filter(organization_id__in=ids).delete()
        from imports.models import ChannelConnection

        ChannelConnection.objects.filter(organization_id__in=ids).delete()
        Organization.objects.filter(pk__in=ids).delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"removed_organizations": len(ids)}


def match_dirty_seller(*, sandbox: dict[str, Any], label: str) -> dict[str, Any]:
    """Both shops of the dirty-seller profile, then matching against the sandbox's truth."""
    from types import SimpleNamespace

    import requests

    from tests.catalog.match_quality import match_quality

    result = import_catalog(sandbox=sandbox, label=label)
    control = f"{sandbox['base_url']}/_sandbox"
    truth = [
        SimpleNamespace(**pair)
        for pair in requests.get(
            f"{control}/ground-truth", params={"limit": 10**7}, timeout=60
        ).json()["pairs"]
    ]
    distinct = [
        (pair["shopee_item_id"], pair["tiktok_product_id"])
        for pair in requests.get(f"{control}/distinct-pairs", timeout=60).json()["pairs"]
    ]
    organization = Organization.objects.get(pk=result["organization_id"])
    result["quality"] = match_quality(organization, truth, distinct).as_dict()
    return result
