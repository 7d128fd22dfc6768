"""One worker per job: a PostgreSQL advisory lock held for the whole run."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from django.db import connection

ADVISORY_LOCK_NAMESPACE = 0x5E7C  # keeps our advisory lock keys apart from anyone else's


def job_lock_try(job_id: int) -> bool:
    """Take the job's lock on this connection (again, after a lost connection dropped it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, job_id])
        return bool(cursor.fetchone()[0])


@contextlib.contextmanager
def job_lock(job_id: int, wait_seconds: float = 10.0) -> Iterator[bool]:
    """Hold the job's advisory lock for the run (False: another live worker holds it).

    A killed worker's lock goes when PostgreSQL notices its connection is gone, which can take
    a moment: wait a little before concluding someone else runs the job.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        acquired = job_lock_try(job_id)
        if acquired or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, job_id]
                )
