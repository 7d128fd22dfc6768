"""A job's memory: the guard that stops a job cleanly, at a checkpoint, before the OS kills
the worker, and the cyclic collector's pace during a job."""

from __future__ import annotations

import gc
import os
import resource
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from imports.clients.errors import ErrorType

# 50,000 cut the collector's time a little more but let what cycles hold live long enough to
# add 8-14 MB to an import's peak (docs/performance.md).
YOUNG_THRESHOLD = 20_000


class MemoryLimitExceeded(Exception):
    error_type = ErrorType.MEMORY_ERROR

    def __init__(self, used_mb: float, limit_mb: int) -> None:
        super().__init__(
            f"the worker uses {used_mb:.0f} MB, over the {limit_mb} MB limit "
            "(IMPORT_MEMORY_LIMIT_MB); stopped at a checkpoint: resume to continue"
        )
        self.used_mb = used_mb


def resident_mb() -> float:
    """This process's resident set size now (peak size where /proc is not available)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_check() -> None:
    limit = settings.IMPORT_MEMORY_LIMIT_MB
    if limit <= 0 or resident_mb() <= limit:
        return
    gc.collect()  # garbage, not live data, may be what pushed us over
    used = resident_mb()
    if used > limit:
        raise MemoryLimitExceeded(used, limit)


class _Pace:
    """The process's one record of running paced jobs (the collector is process-wide)."""

    lock = threading.Lock()
    jobs = 0
    thresholds = gc.get_threshold()
    froze = False


@contextmanager
def collector_paced() -> Iterator[None]:
    """Run a job with the cyclic collector paced for it.

    An import allocates millions of short-lived objects and almost no reference cycles, so
    the collector's default pace (a young collection every 700 allocations, a full one
    whenever the old generation grows by a quarter) spent a tenth of a job's CPU walking
    objects that were still alive. Before the job: one collection, then everything alive
    (Django, the app, caches) is frozen out of the collector's sight; during it the young
    generation is collected every YOUNG_THRESHOLD allocations. Reference counting still frees
    nearly everything at once; only what cycles hold waits a little longer.

    Jobs overlapping in one process share the setting and the last one out restores it (a
    process whose jobs always overlap stays paced, which is bounded). A process that froze its
    objects itself (a gunicorn worker after loading the app) keeps them frozen: only the pace
    changes then.
    """
    with _Pace.lock:
        if _Pace.jobs == 0:
            _Pace.thresholds = gc.get_threshold()
            _Pace.froze = gc.get_freeze_count() == 0
            if _Pace.froze:
                gc.collect()
                gc.freeze()
            gc.set_threshold(YOUNG_THRESHOLD, *_Pace.thresholds[1:])
        _Pace.jobs += 1
    try:
        yield
    finally:
        with _Pace.lock:
            _Pace.jobs -= 1
            if _Pace.jobs == 0:
                if _Pace.froze:
                    gc.unfreeze()
                gc.set_threshold(*_Pace.thresholds)
