"""Run the performance benchmark and write docs/performance.md.

.venv/bin/python -m tests.benchmarks                 # 1k, 10k, 100k, latency, 1M serving
.venv/bin/python -m tests.benchmarks --sizes 1000 --serving-products 100000   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
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
    python_yardstick,
    run_child,
)
from tests.benchmarks.instructions import importer_instructions
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
    parser.add_argument(
        "--workers", type=_sizes, default=[1, 2, 4], help="one job on this many workers each"
    )
    parser.add_argument("--workers-size", type=int, default=10_000, help="its listings (0: none)")
    parser.add_argument(
        "--shops-size", type=int, default=5_000, help="8 shops at once, listings each (0: none)"
    )
    parser.add_argument("--load-seconds", type=float, default=60, help="API under load (0: none)")
    parser.add_argument("--load-clients", type=int, default=20)
    parser.add_argument(
        "--profile-size", type=int, default=5_000, help="profiled import, a shop (0: none)"
    )
    parser.add_argument(
        "--instructions-sizes",
        type=_sizes,
        default=[1_000, 3_000],
        help="importer instructions counted by valgrind between the smallest and the largest of "
        'these sizes a shop ("": none)',
    )
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
    results["machine"]["yardstick_start"] = python_yardstick()
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
    if options.workers_size and options.workers:
        results["workers"] = []
        with SandboxProcess(options.workers_size) as sandbox:
            for workers in options.workers:
                print(f"== one job of {options.workers_size} listings on {workers} worker(s)")
                results["workers"].append(
                    run_child(
                        "one_job_many_workers", url, sandbox=sandbox.credentials, workers=workers
                    )
                )
                run_child("reset", url)
    if options.shops_size:
        print(f"== 8 shops of {options.shops_size} listings at once, two organizations")
        with contextlib.ExitStack() as stack:
            sandboxes = [stack.enter_context(SandboxProcess(options.shops_size)) for _ in range(4)]
            results["shops"] = run_child(
                "many_shops_at_once", url, sandboxes=[s.credentials for s in sandboxes], workers=8
            )
        run_child("reset", url)
    if options.profile_size:
        print(f"== profile: {options.profile_size} listings a shop", flush=True)
        with SandboxProcess(options.profile_size) as sandbox:
            results["profile"] = run_child(
                "profile", url, sandbox=sandbox.credentials, label="profile"
            )
        run_child("reset", url)
    if len(set(options.instructions_sizes)) >= 2:
        print(f"== instructions: {options.instructions_sizes} listings a shop", flush=True)
        results["instructions"] = importer_instructions(url, options.instructions_sizes)
        for problem in ("missing", "failed"):
            if problem in results["instructions"]:
                print(f"   not counted: {results['instructions'][problem]}", flush=True)
    if options.serving_products:
        print(f"== serving {options.serving_products} products", flush=True)
        results["serving"] = run_child("serving", url, products=options.serving_products)
        if options.load_seconds:
            print(
                f"== {options.load_clients} clients for {options.load_seconds:g} s on gunicorn",
                flush=True,
            )
            results["serving_load"] = run_child(
                "serving_load",
                url,
                products=options.serving_products,
                clients=options.load_clients,
                seconds=options.load_seconds,
            )
    results["machine"]["yardstick_end"] = python_yardstick()
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
