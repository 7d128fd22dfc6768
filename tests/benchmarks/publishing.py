"""Publishing throughput: 1,000 price changes to a TikTok Shop shop at the connection's QPS.

The listings are imported first (fast, unlimited); then the connection is set to the rate
limit TikTok documents (50 calls a second per endpoint and shop) and one publish job runs
here. A publisher that keeps the shop busy spends its calls as fast as the limit allows:
calls per second ÷ QPS near 1.
"""

from __future__ import annotations

import time
from typing import Any

from catalog.models import PlatformMapping
from catalog.publication import price_changes
from imports.models import ChannelConnection
from imports.publishing.reasons import OVERRIDABLE
from imports.publishing.runner import PublishRunner
from imports.publishing.services import publication_start
from tests.benchmarks.importing import SandboxCredentials, new_organization, run_job
from tests.sandbox_fixtures import connect_sandbox


def publish_prices(*, sandbox: dict[str, Any], qps: float, changes: int) -> dict[str, Any]:
    organization = new_organization("publish")
    connection = connect_sandbox(
        SandboxCredentials(sandbox), organization, "tiktokshop", rate_limit_qps=2000
    )
    imported = run_job(connection)
    ChannelConnection.objects.filter(pk=connection.pk).update(rate_limit_qps=qps)
    chosen, total = [], 0
    candidates = PlatformMapping.objects.filter(
        organization=organization, listing_status="active", pending_kinds__contains=["price"]
    ).order_by("pk")
    for mapping in candidates.iterator():
        if total >= changes:
            break
        chosen.append(mapping.pk)
        total += len(price_changes(mapping))
    _plan, jobs = publication_start(
        mappings=PlatformMapping.objects.filter(pk__in=chosen),
        kinds=["price"],
        overrides=OVERRIDABLE,
        max_change_percent=None,
    )
    (job,) = jobs
    start = time.perf_counter()
    job = PublishRunner(job).run()
    wall = time.perf_counter() - start
    calls_per_second = job.api_calls / wall
    return {
        "imported": imported["stored"],
        "listings": len(chosen),
        "changes": job.total_count,
        "applied": job.applied_count,
        "failed": job.failed_count,
        "status": job.status,
        "api_calls": job.api_calls,
        "wall_seconds": round(wall, 2),
        "qps": qps,
        "calls_per_second": round(calls_per_second, 2),
        "changes_per_second": round(job.applied_count / wall, 2),
        "ratio": round(calls_per_second / qps, 3),
    }
