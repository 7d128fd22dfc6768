"""The memory guard: stop a job cleanly, at a checkpoint, before the OS kills the worker."""

from __future__ import annotations

import gc
import os
import resource

from django.conf import settings

from imports.clients.errors import ErrorType


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
