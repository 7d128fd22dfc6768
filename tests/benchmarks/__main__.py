"""Run the performance benchmark and write docs/performance.md.

.venv/bin/python -m tests.benchmarks                 # 1k, 10k, 100k, latency, 1M serving
.venv/bin/python -m tests.benchmarks --sizes 1000 --serving-products 100000   # a quick look
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.environment import (
    ROOT,
    SandboxProcess,
    bench_database_url,
    child_env,
    machine,
    machine_busy_seconds,
    run_child,
)
from tests.benchmarks.report import BUILD_BASELINE_10K, render, write_report


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, default=[1_000, 10_000, 100_000])
    parser.add_argument("--naive-sizes", type=_sizes, default=[1_000, 10_000])
    parser.add_argument("--latency-size", type=int, default=1_000)
    parser.add_argument("--serving-products", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--matching-size", type=int, default=2_000, help="dirty-seller listings a shop (0: none)"
    )
    parser.add_argument(
        "--build-baseline",
        type=float,
        default=BUILD_BASELINE_10K,
        help="catalog-build listings/s at 10k before the matching rework, to compare against",
    )
    parser.add_argument(
        "--publish-changes", type=int, default=1_000, help="price changes to publish (0: none)"
    )
    parser.add_argument("--publish-qps", type=float, default=50)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    started = time.time()
    url = bench_database_url()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=child_env(url),
        check=True,
    )
    run_child("reset", url)
    results: dict = {"machine": machine(), "sizes": {}, "options": vars(options)}
    for size in options.sizes:
        print(f"== {size} listings a shop", flush=True)
        with SandboxProcess(size) as sandbox:
            sandbox_cpu, busy = sandbox.cpu_seconds(), machine_busy_seconds()
            entry = run_child(
                "import",
                url,
                sandbox=sandbox.credentials,
                label=str(size),
                concurrency=options.concurrency,
                incremental=size == max(options.sizes),
            )
            # Where the CPU went (2 cores shared by the importer, the marketplaces and the
            # database): the floor no design of the importer alone can go below.
            sandbox_cpu = round(sandbox.cpu_seconds() - sandbox_cpu, 2)
            entry["cpu"] = {
                "importer": entry["cpu_seconds"],
                "sandbox": sandbox_cpu,
                "postgres": round(
                    machine_busy_seconds() - busy - entry["cpu_seconds"] - sandbox_cpu, 2
                ),
            }
            entry["copy_floor"] = run_child(
                "copy_floor", url, organization_id=entry["organization_id"]
            )
            if size in options.naive_sizes:
                print("   naive path", flush=True)
                entry["naive"] = run_child(
                    "naive", url, sandbox=sandbox.credentials, label=str(size)
                )
        results["sizes"][size] = entry
        run_child("reset", url)
    if options.latency_size:
        print(f"== {options.latency_size} listings a shop, 50 ms latency, 20 QPS", flush=True)
        with SandboxProcess(options.latency_size, latency_ms=50, qps=20) as sandbox:
            results["latency"] = run_child(
                "import",
                url,
                sandbox=sandbox.credentials,
                label="latency",
                qps=20,
                concurrency=options.concurrency,
            )
        results["latency"]["qps"] = 20
        run_child("reset", url)
    if options.matching_size:
        print(f"== matching: dirty-seller profile, {options.matching_size} listings a shop")
        with SandboxProcess(options.matching_size, profile="dirty-seller") as sandbox:
            results["matching"] = run_child(
                "match_dirty_seller", url, sandbox=sandbox.credentials, label="dirty-seller"
            )
        run_child("reset", url)
    if options.publish_changes:
        print(
            f"== publishing {options.publish_changes} price changes at {options.publish_qps:g} QPS",
            flush=True,
        )
        with SandboxProcess(options.publish_changes * 2, latency_ms=5) as sandbox:
            results["publishing"] = run_child(
                "publish",
                url,
                sandbox=sandbox.credentials,
                qps=options.publish_qps,
                changes=options.publish_changes,
            )
        run_child("reset", url)
    if options.serving_products:
        print(f"== serving {options.serving_products} products", flush=True)
        results["serving"] = run_child("serving", url, products=options.serving_products)
    results["minutes"] = round((time.time() - started) / 60, 1)
    text = render(results)
    print(text)
    if not options.no_write:
        write_report(options.output, text)
        raw = Path(options.output).with_suffix(".json")
        raw.write_text(json.dumps(results, indent=1, default=str))
        print(f"written to {options.output} (raw figures: {raw})")


if __name__ == "__main__":
    main()
