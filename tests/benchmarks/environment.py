"""The benchmark's own database, sandbox processes, child processes and machine description."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
BENCH_SUFFIX = "_bench"


def bench_database_url() -> str:
    """DATABASE_URL's database with a `_bench` suffix, or the embedded server's own one."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        name = parts.path.lstrip("/") + BENCH_SUFFIX
        import psycopg
        from psycopg import sql

        with psycopg.connect(url, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return parts._replace(path=f"/{name}").geturl()
    from config.embedded_db import APP_DATABASE, embedded_database_url

    return embedded_database_url(ROOT / "var", APP_DATABASE + BENCH_SUFFIX)


def child_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        # The sandbox marketplaces answer on loopback ports (connections refuse other hosts).
        "MARKETPLACE_EXTRA_HOSTS": "http://127.0.0.1:*",
    }


def run_child(
    task: str, database_url: str, *, prefix: Sequence[str] = (), **arguments: object
) -> dict:
    """Run one measurement in a fresh Python process (so its peak RSS is its own), behind
    `prefix` (a tool that runs the process, valgrind) if given."""
    completed = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.benchmarks.child", task, json.dumps(arguments)],
        cwd=ROOT,
        env=child_env(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"benchmark task {task} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


class SandboxProcess:
    """`manage.py marketplace_sandbox` in its own process, as the marketplaces would be."""

    def __init__(
        self, products: int, latency_ms: float = 0.0, qps: float = 0.0, profile: str = "default"
    ) -> None:
        self.arguments = [
            "--profile",
            profile,
            "--products",
            str(products),
            "--port",
            "0",
            "--json",
            "--latency-ms",
            str(latency_ms),
            "--qps",
            str(qps),
        ]
        self.process: subprocess.Popen | None = None
        self.credentials: dict = {}

    def __enter__(self) -> SandboxProcess:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "marketplace_sandbox", *self.arguments],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.credentials = json.loads(self.process.stdout.readline())
        return self

    def cpu_seconds(self) -> float:
        import psutil

        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def python_yardstick(repeats: int = 3) -> float:
    """CPU seconds a fixed pure-Python workload takes (the best of `repeats`): JSON, regular
    expressions, dictionaries and decimals, the importer's kind of work. This machine ran the
    same code up to 1.8 times slower on one day than on another, so CPU figures of runs on
    different days compare only next to this one."""
    import json
    import re
    import time
    from decimal import Decimal

    word = re.compile(r"\w+")
    payload = {
        "item_id": 1,
        "name": "Kaos Polos Cotton Combed 30s Pria Wanita Premium Lengan Pendek " * 6,
        "price": 150000.5,
        "models": [{"model_sku": f"KP-{size}", "stock": 5} for size in "SMLX"],
    }
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for index in range(20_000):
            data = json.loads(json.dumps(payload))
            counts: dict[str, int] = {}
            for token in word.findall(data["name"].lower()):
                counts[token] = counts.get(token, 0) + 1
            (Decimal(index) * Decimal("1.11")).quantize(Decimal("1"))
        best = min(best, time.process_time() - start)
    return round(best, 3)


def machine_busy_seconds() -> float:
    """CPU time the whole machine has been busy (all cores): what the importer and the
    marketplaces did not use of it went to PostgreSQL (and little else on a quiet machine)."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its live children (a server's or a cluster's workers)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total
