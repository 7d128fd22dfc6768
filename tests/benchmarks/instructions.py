"""The importer's instructions a listing, counted by valgrind: a CPU figure that the
machine's speed does not move.

This machine has run the same code at very different speeds from one hour to the next, every
party's CPU moving together (the marketplaces' 0.23-0.26 ms a listing at one hour, 0.47-0.52
at another) with no steal time reported, so milliseconds of CPU compare only within a run.
Cachegrind (counting only, no cache simulation) counts the instructions the importer's process
executes in user space. Two imports of different sizes are counted, and the difference is
divided by the difference in listings, so Django's start-up and each job's fixed work drop out.

The count is not the CPU target in other units. It leaves out the kernel's work (system calls,
sockets, threads handing the GIL over: about 0.15 ms a listing at 10k a shop) and how long an
instruction takes (cache misses, C code against the interpreter's). It compares code with code
on the same work. Under valgrind the threads run one at a time and 30-60 times slower than
natively, so the sizes stay small.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tests.benchmarks.environment import SandboxProcess, run_child

CACHEGRIND_COUNT_ONLY = ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
TOTAL_INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")


def counted_import(valgrind: str, database_url: str, size: int) -> tuple[int, int]:
    """(instructions, listings fetched) of one import of both shops, `size` listings a shop."""
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "valgrind.log"  # valgrind's summary apart from the child's logs
        with SandboxProcess(size) as sandbox:
            result = run_child(
                "import",
                database_url,
                prefix=[valgrind, *CACHEGRIND_COUNT_ONLY, f"--log-file={log}"],
                sandbox=sandbox.credentials,
                label=f"instructions-{size}",
            )
        totals = TOTAL_INSTRUCTIONS.findall(log.read_text())
    if not totals:
        raise RuntimeError("valgrind wrote no instruction count")
    jobs = result["full"]
    for platform, job in jobs.items():
        # A job cut short under valgrind's slowness would count fewer listings' work.
        if job.get("status") != "succeeded" or job.get("failed") or job["stored"] != job["fetched"]:
            raise RuntimeError(f"the {platform} import did not store every listing: {job}")
    return int(totals[-1].replace(",", "")), sum(int(job["fetched"]) for job in jobs.values())


def importer_instructions(database_url: str, sizes: list[int]) -> dict[str, Any]:
    """Instructions a listing between the smallest and the largest of `sizes`."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {"missing": "valgrind is not installed (Debian: apt install valgrind)"}
    smallest, largest = min(sizes), max(sizes)
    counts = []
    try:
        for size in (smallest, largest):
            counts.append(counted_import(valgrind, database_url, size))
            run_child("reset", database_url)
    except RuntimeError as error:  # a failed child or count: the rest is still reported
        return {"failed": str(error)[-500:]}
    (few, few_listings), (many, many_listings) = counts
    return {
        "counts": [{"instructions": i, "listings": n} for i, n in counts],
        "per_listing": (many - few) / (many_listings - few_listings),
    }
