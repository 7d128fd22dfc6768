"""The benchmark's rows for scale: workers per job, many shops at once, where the CPU goes,
and the figures of issue #22 against the run before it."""

from __future__ import annotations

from typing import Any

# The run before (2026-11-28, docs/performance.md at commit d2b45e6; serving under load from
# the issue: 20 clients on runserver), to print side by side with this run's.
DASH = "–"  # noqa: RUF001
EARLIER = {
    "importer_cpu_ms_10k": 2.21,
    "importer_cpu_ms_100k": 2.26,
    "end_to_end_100k": 343.0,
    "rss_10k": 109.0,
    "rss_100k": 141.0,
    "load_requests_per_second": 20.0,
    "load_p95_ms": 1320.0,
    # d2b45e6's importer counted by tests/benchmarks/instructions.py in a database migrated
    # to that commit (1,000 and 3,000 listings a shop; its sandbox serves the same payloads).
    # Not a target: user-space instructions only, see that module.
    "importer_instructions_m": 19.33,
}


def _importer_cpu_ms(entry: dict[str, Any]) -> float | None:
    listings = sum(float(job.get("fetched") or 0) for job in entry["full"].values())
    cpu = (entry.get("cpu") or {}).get("importer")
    return cpu * 1000 / listings if listings and cpu is not None else None


def _end_to_end(entry: dict[str, Any]) -> float:
    jobs = entry["full"].values()
    wall = sum(float(job.get("wall_seconds") or 0) for job in jobs)
    return sum(float(job.get("fetched") or 0) for job in jobs) / wall if wall else 0.0


def cpu_targets(results: dict[str, Any]) -> list[tuple[str, bool]]:
    sizes = {int(size): entry for size, entry in results.get("sizes", {}).items()}
    targets = []
    for size in (10_000, 100_000):
        if size in sizes and (cpu := _importer_cpu_ms(sizes[size])) is not None:
            targets.append((f"{size:,}: importer CPU {cpu:.2f} ms per listing (≤ 1.0)", cpu <= 1.0))
    if 100_000 in sizes:
        rate = _end_to_end(sizes[100_000])
        targets.append((f"100k: {rate:,.1f} listings/s end to end (≥ 600)", rate >= 600))
    return targets


def workers_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    runs = results.get("workers") or []
    if not runs:
        return [], []
    base = runs[0]["listings_per_second"] or 1
    lines = [
        "| one job, django-q2 workers | shop | listings | windows | seconds | listings/s "
        "| × 1 worker | worker CPU ms per listing |",  # noqa: RUF001
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run['workers']} | {run['shop']} | {run['stored']:,} | {run['windows']} "
            f"| {run['seconds']:.1f} | {run['listings_per_second']:,.0f} "
            f"| {run['listings_per_second'] / base:.2f} | {run['worker_cpu_ms_per_listing']:.2f} |"
        )
    ok = all(run["status"] == "succeeded" for run in runs)
    return lines, [
        (
            f"one job on {', '.join(str(r['workers']) for r in runs)} workers: every run succeeded",
            ok,
        )
    ]


def shops_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    run = results.get("shops")
    if not run:
        return [], []
    lines = [
        f"| {len(run['shops'])} shops at once, 2 organizations, {run['workers']} workers "
        "| listings | wall s | listings/s | slowest shop s | fastest shop s | slowest ÷ fastest "
        "| worker CPU ms per listing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| all shops | {run['stored']:,} | {run['wall_seconds']:.1f} "
        f"| {run['listings_per_second']:,.0f} | {run['slowest_seconds']:.1f} "
        f"| {run['fastest_seconds']:.1f} | {run['slowest_over_fastest']:.2f} "
        f"| {run['worker_cpu_ms_per_listing']:.2f} |",
    ]
    ok = all(shop["status"] == "succeeded" for shop in run["shops"])
    return lines, [(f"{len(run['shops'])} shops at once: every import succeeded", ok)]


def profile_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    profile = results.get("profile")
    if not profile:
        return [], []
    lines = [
        f"Where the importer's CPU goes (cProfile on one thread, {profile['listings']:,} "
        "listings; CPU time, so waiting for PostgreSQL or the marketplaces is not counted; "
        "the profiler's own overhead inflates many small calls, so read the shares, not the "
        "totals):",
        "",
        "| module | ms per listing |",
        "|---|---:|",
        *[f"| {row['module']} | {row['ms_per_listing']:.3f} |" for row in profile["modules"][:15]],
        "",
        "| function (own time) | own ms per listing | with callees |",
        "|---|---:|---:|",
        *[
            f"| `{row['function']}` | {row['own_ms_per_listing']:.3f} "
            f"| {row['cumulative_ms_per_listing']:.3f} |"
            for row in profile["functions"][:15]
        ],
    ]
    return lines, []


def collector_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    sizes = sorted(results.get("sizes", {}).items(), key=lambda item: int(item[0]))
    shares = [
        f"{int(size):,} a shop {entry['collector_seconds'] / entry['cpu_seconds']:.1%}"
        for size, entry in sizes
        if entry.get("collector_seconds") is not None and entry.get("cpu_seconds")
    ]
    if not shares:
        return [], []
    return [
        "The cyclic garbage collector's share of the importer's CPU (its whole process, no "
        f"profiler): {', '.join(shares)}."
    ], []


def earlier_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    """This run's figures of issue #22 next to the run before it."""
    sizes = {int(size): entry for size, entry in results.get("sizes", {}).items()}
    now: dict[str, str] = {}
    for size, key in ((10_000, "10k"), (100_000, "100k")):
        if size in sizes:
            cpu = _importer_cpu_ms(sizes[size])
            now[f"importer_cpu_ms_{key}"] = f"{cpu:.2f}" if cpu is not None else DASH
            now[f"rss_{key}"] = f"{sizes[size]['peak_rss_mb']:,.0f}"
    if 100_000 in sizes:
        now["end_to_end_100k"] = f"{_end_to_end(sizes[100_000]):,.0f}"
    load = results.get("serving_load")
    if load:
        now["load_requests_per_second"] = f"{load['requests_per_second']:,.1f}"
        now["load_p95_ms"] = f"{load['p95_ms']:,.1f}"
    instructions = results.get("instructions") or {}
    if instructions.get("per_listing"):
        share = instructions["per_listing"] / 1e6 / EARLIER["importer_instructions_m"]
        now["importer_instructions_m"] = (
            f"{instructions['per_listing'] / 1e6:.2f} ({share:.2f} of before)"
        )
    elif instructions.get("missing") or instructions.get("failed"):
        now["importer_instructions_m"] = instructions.get("missing") or "count failed"
    sizes_counted = (results.get("options") or {}).get("instructions_sizes") or [1_000, 3_000]
    counted = f"{min(sizes_counted):,} → {max(sizes_counted):,}"
    labels = {
        "importer_cpu_ms_10k": "importer CPU ms per listing, 10k",
        "importer_cpu_ms_100k": "importer CPU ms per listing, 100k",
        "end_to_end_100k": "end to end listings/s, 100k",
        "rss_10k": "peak RSS MB, 10k",
        "rss_100k": "peak RSS MB, 100k",
        "load_requests_per_second": "products list, 20 clients: requests/s",
        "load_p95_ms": "products list, 20 clients: p95 ms",
        "importer_instructions_m": "importer instructions per listing, millions (valgrind, "
        f"{counted} a shop; before: d2b45e6's code at 1,000 → 3,000, counted 2026-12-01)",
    }
    lines = ["| figure | before (2026-11-28) | this run |", "|---|---:|---:|"]
    lines += [
        f"| {label} | {EARLIER[key]:,.2f} | {now.get(key, DASH)} |" for key, label in labels.items()
    ]
    return lines, []


def serving_load_rows(results: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool]]]:
    from tests.benchmarks.serving_load import render_serving_load, serving_load_targets

    load = results.get("serving_load")
    if not load:
        return [], []
    return render_serving_load(load), serving_load_targets(load)
