"""One measurement in its own process: `python -m tests.benchmarks.child <task> <json args>`.

Prints the result as JSON on its last line. DEBUG stays off so Django keeps no query log.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time

import django


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class CollectorClock:
    """CPU seconds the cyclic garbage collector took (all threads wait for it meanwhile)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started


def main() -> None:
    collector = CollectorClock()
    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from tests.benchmarks import (
        importing,
        naive,
        profiling,
        publishing,
        serving,
        serving_load,
        workers,
    )

    tasks = {
        "import": importing.import_catalog,
        "match_dirty_seller": importing.match_dirty_seller,
        "copy_floor": importing.copy_floor,
        "reset": importing.reset,
        "naive": naive.naive_import,
        "serving": serving.measure_serving,
        "serving_load": serving_load.serve_under_load,
        "publish": publishing.publish_prices,
        "profile": profiling.profile_import,
        "one_job_many_workers": workers.one_job_many_workers,
        "many_shops_at_once": workers.many_shops_at_once,
    }
    task, arguments = sys.argv[1], json.loads(sys.argv[2])
    result = tasks[task](**arguments)
    result["peak_rss_mb"] = peak_rss_mb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["collector_seconds"] = round(collector.seconds, 2)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
