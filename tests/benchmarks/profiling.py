"""Where the importer's CPU goes: one import of both shops under cProfile.

The figures are the importer's own functions (not the marketplaces' or PostgreSQL's), grouped
by the module they live in and listed by the time spent in each function's own code.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import time
from collections import defaultdict
from typing import Any

from django.conf import settings

from tests.benchmarks.importing import import_catalog

STDLIB = re.compile(r"/lib/python3\.\d+/")


def _module(filename: str) -> str:
    if filename == "~":  # what cProfile files C functions under (dict.get, isinstance, ...)
        return "built-in functions"
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if STDLIB.search(filename):
        tail = STDLIB.split(filename, 1)[1]
        return "stdlib " + tail.split("/", 1)[0].removesuffix(".py")
    for app in ("catalog/", "imports/", "pricing/", "seo/", "core/", "config/"):
        if app in filename:
            return app + filename.split(app, 1)[1]
    return filename.rsplit("/", 1)[-1] or filename


def profile_import(*, sandbox: dict[str, Any], label: str, top: int = 25) -> dict[str, Any]:
    """CPU time (not wall time: waiting for PostgreSQL or the marketplace is not the importer's
    work), on one thread: cProfile sees only the thread it runs on, so pages are fetched in
    line and product details one at a time for the profile."""
    settings.IMPORT_PREFETCH_PAGES = 0
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    result = import_catalog(sandbox=sandbox, label=label, concurrency=1)
    profiler.disable()
    stats = pstats.Stats(profiler)
    listings = sum(job["stored"] for job in result["full"].values()) or 1
    by_module: dict[str, float] = defaultdict(float)
    functions = []
    for (filename, line, name), (_calls, _primitive, own, cumulative, _callers) in (
        stats.stats.items()  # type: ignore[attr-defined]
    ):
        by_module[_module(filename)] += own
        functions.append((own, cumulative, f"{_module(filename)}:{line} {name}"))
    functions.sort(reverse=True)
    total = sum(by_module.values())
    return {
        "listings": listings,
        "profiled_seconds": round(total, 2),
        "modules": [
            {"module": module, "ms_per_listing": round(seconds * 1000 / listings, 3)}
            for module, seconds in sorted(by_module.items(), key=lambda item: -item[1])[:top]
        ],
        "functions": [
            {
                "function": where,
                "own_ms_per_listing": round(own * 1000 / listings, 3),
                "cumulative_ms_per_listing": round(cumulative * 1000 / listings, 3),
            }
            for own, cumulative, where in functions[:top]
        ],
    }
