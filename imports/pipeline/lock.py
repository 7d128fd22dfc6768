"""PostgreSQL advisory locks of a job: planning and finishing take the job's lock, fetching a
window takes that window's, so two workers never run the same part of a job at once."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from django.db import connection

ADVISORY_LOCK_NAMESPACE = 0x5E7C  # keeps our advisory lock keys apart from anyone else's
WINDOW_LOCK_NAMESPACE = 0x5E7E  # a window's key: this namespace and the window's index

LockKey = tuple[int, int]


def job_lock_key(job_id: int) -> LockKey:
    return (ADVISORY_LOCK_NAMESPACE, job_id)


def window_lock_key(job_id: int, index: int) -> LockKey:
    # Two int4 keys: the namespace in the high half of the first, the window in the low half.
    return ((WINDOW_LOCK_NAMESPACE << 16) | (index & 0xFFFF), job_id)


def lock_try(key: LockKey) -> bool:
    """Take the lock on this connection (again, after a lost connection dropped it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", list(key))
        return bool(cursor.fetchone()[0])


def lock_release(key: LockKey) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(key))


def job_lock_try(job_id: int) -> bool:
    return lock_try(job_lock_key(job_id))


@contextlib.contextmanager
def job_lock(job_id: int, wait_seconds: float = 10.0) -> Iterator[bool]:
    """Hold the job's advisory lock (False: another live worker holds it).

    A killed worker's lock goes when PostgreSQL notices its connection is gone, which can take
    a moment: wait a little before concluding someone else has the job.
    """
    key = job_lock_key(job_id)
    deadline = time.monotonic() + wait_seconds
    while True:
        acquired = lock_try(key)
        if acquired or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    try:
        yield acquired
    finally:
        if acquired:
            lock_release(key)
