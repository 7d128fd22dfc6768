"""The importer's instructions a listing, counted by valgrind: a CPU figure that the
machine's speed does not move.

This machine ran the same code up to twice as slow at one hour as at another: every party's
CPU per listing or per request doubled together (the marketplaces' 0.23 -> 0.52 ms a listing,
gunicorn's 6.9 -> 15 ms a request), with no steal time reported. Milliseconds of CPU therefore
compare only within a run. Cachegrind (`--cache-sim=no`: counting only) counts the instructions
the importer's process executes. Two imports of different sizes are counted, and the
difference is divided by the difference in listings, so Django's start-up and each job's fixed
work drop out.

Instructions are not time: C code (orjson, psycopg's COPY) runs more of them a cycle than the
interpreter does. So the count compares code with code on the same work; it does not convert
to milliseconds. Under valgrind the threads run one at a time and 30-60 times slower than
natively, so the sizes stay small.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from typing import Any

from tests.benchmarks.environment import ROOT, SandboxProcess, child_env, run_child

COUNTING = ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")


def counted_import(database_url: str, size: int) -> tuple[int, int]:
    """(instructions, listings fetched) of one import of both shops, `size` listings a shop."""
    valgrind = shutil.which("valgrind")
    assert valgrind is not None
    child = [sys.executable, "-m", "tests.benchmarks.child", "import"]
    with SandboxProcess(size) as sandbox:
        arguments = {"label": f"instructions-{size}", "sandbox": sandbox.credentials}
        completed = subprocess.run(
            [valgrind, *COUNTING, *child, json.dumps(arguments)],
            cwd=ROOT,
            env=child_env(database_url),
            capture_output=True,
            text=True,
            check=False,
        )
    counts = INSTRUCTIONS.findall(completed.stderr)
    if completed.returncode != 0 or not counts:
        raise RuntimeError(f"counted import failed:\n{completed.stderr[-4000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    listings = sum(int(job.get("fetched") or 0) for job in result["full"].values())
    return int(counts[-1].replace(",", "")), listings


def importer_instructions(database_url: str, sizes: list[int]) -> dict[str, Any]:
    """Instructions a listing between the smallest and the largest of `sizes`."""
    if shutil.which("valgrind") is None:
        return {"missing": "valgrind is not installed (Debian: apt install valgrind)"}
    counts = []
    for size in sorted(sizes):
        counts.append(counted_import(database_url, size))
        run_child("reset", database_url)
    (few, few_listings), (many, many_listings) = counts[0], counts[-1]
    return {
        "counts": [{"instructions": i, "listings": n} for i, n in counts],
        "per_listing": (many - few) / (many_listings - few_listings),
    }
