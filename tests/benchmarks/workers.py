"""Imports run by real django-q2 workers (`manage.py qcluster`): one job shared by 1, 2 and 4
workers (IMPORT_WINDOW_TASKS), and eight shops of two organizations imported at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from imports.models import ImportJob
from imports.services import import_job_start
from tests.benchmarks.environment import ROOT, process_tree_cpu_seconds
from tests.benchmarks.importing import PLATFORMS, SandboxCredentials, new_organization
from tests.sandbox_fixtures import connect_sandbox

STARTUP_SECONDS = 4.0  # the cluster's processes are up and polling before the clock starts
TIMEOUT_SECONDS = 3600.0


class Cluster:
    """`manage.py qcluster` with `workers` workers, stopped (and its CPU read) on exit."""

    def __init__(self, workers: int, window_tasks: int) -> None:
        self.env = {
            **os.environ,
            "Q_WORKERS": str(workers),
            "IMPORT_WINDOW_TASKS": str(window_tasks),
        }
        self.process: subprocess.Popen | None = None
        self.cpu_seconds = 0.0

    def __enter__(self) -> Cluster:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(STARTUP_SECONDS)
        return self

    def read_cpu(self) -> float:
        """CPU seconds of the cluster's processes so far (the workers are its children)."""
        assert self.process is not None
        return process_tree_cpu_seconds(self.process.pid)

    def __exit__(self, *exc_info: object) -> None:
        assert self.process is not None
        # The main process first: a signal to the whole group kills django-q2's sentinel and
        # leaves the main process waiting for it.
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _wait_finished(job_ids: list[int]) -> list[ImportJob]:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        jobs = list(ImportJob.objects.filter(pk__in=job_ids).order_by("pk"))
        if all(job.is_finished for job in jobs):
            return jobs
        time.sleep(0.25)
    raise RuntimeError(f"imports {job_ids} did not finish within {TIMEOUT_SECONDS:.0f} s")


def _job_row(job: ImportJob, label: str) -> dict[str, Any]:
    seconds = (job.finished_at - job.created_at).total_seconds()
    return {
        "shop": label,
        "status": job.status,
        "stored": job.stored_count,
        "seconds": round(seconds, 2),
        "listings_per_second": round(job.stored_count / seconds, 1) if seconds else 0.0,
    }


def one_job_many_workers(
    *, sandbox: dict[str, Any], workers: int, platform: str = "tiktokshop"
) -> dict[str, Any]:
    """One shop's import by `workers` worker processes sharing its windows."""
    organization = new_organization(f"workers-{workers}")
    connection = connect_sandbox(
        SandboxCredentials(sandbox), organization, platform, rate_limit_qps=2000, concurrency=4
    )
    with Cluster(workers, window_tasks=workers) as cluster:
        cpu_before = cluster.read_cpu()
        job = import_job_start(connection=connection)
        (job,) = _wait_finished([job.pk])
        cpu = cluster.read_cpu() - cpu_before
    row = _job_row(job, platform)
    return {
        **row,
        "workers": workers,
        "windows": len(job.checkpoint.get("windows") or []),
        "worker_cpu_ms_per_listing": round(cpu * 1000 / max(1, job.stored_count), 2),
    }


def many_shops_at_once(*, sandboxes: list[dict[str, Any]], workers: int = 8) -> dict[str, Any]:
    """Two organizations, each with the Shopee and TikTok shops of half the sandboxes, every
    shop's import started at once on one cluster of `workers` workers."""
    connections = []
    halves = (sandboxes[: len(sandboxes) // 2], sandboxes[len(sandboxes) // 2 :])
    for number, half in enumerate(halves, start=1):
        organization = new_organization(f"shops-{number}")
        for index, sandbox in enumerate(half, start=1):
            for platform in PLATFORMS:
                connection = connect_sandbox(
                    SandboxCredentials(sandbox),
                    organization,
                    platform,
                    rate_limit_qps=2000,
                    concurrency=4,
                )
                connections.append((f"org {number} · {platform} {index}", connection))
    with Cluster(workers, window_tasks=1) as cluster:
        cpu_before = cluster.read_cpu()
        jobs = [import_job_start(connection=connection) for _label, connection in connections]
        finished = _wait_finished([job.pk for job in jobs])
        cpu = cluster.read_cpu() - cpu_before
    labels = {job.pk: label for (label, _c), job in zip(connections, jobs, strict=True)}
    rows = [_job_row(job, labels[job.pk]) for job in finished]
    started = min(job.created_at for job in finished)
    ended = max(job.finished_at for job in finished)
    wall = (ended - started).total_seconds()
    stored = sum(job.stored_count for job in finished)
    times = [row["seconds"] for row in rows]
    return {
        "shops": rows,
        "workers": workers,
        "stored": stored,
        "wall_seconds": round(wall, 2),
        "listings_per_second": round(stored / wall, 1) if wall else 0.0,
        "slowest_seconds": max(times),
        "fastest_seconds": min(times),
        "slowest_over_fastest": round(max(times) / min(times), 2) if min(times) else 0.0,
        "worker_cpu_ms_per_listing": round(cpu * 1000 / max(1, stored), 2),
    }
