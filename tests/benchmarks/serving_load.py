"""The products API under concurrent clients, on the production server (issue #22, part 5).

gunicorn starts as the Dockerfile starts it (workers = cores), on the catalog of
tests.benchmarks.serving; `clients` threads of this process then read the products list over
loopback for `seconds`, each following `next` links to the end and starting over, so deep
cursor pages are read too.

Every client has its own member and token: an integration running 20 clients shares one
token, but the default per-user throttle (API_THROTTLE_USER, 1200/minute, about what one
sequential client reaches) is a production default no deployment raises to 100 requests a
second for one user. The run raises API_THROTTLE_USER (the documented setting) so that no
client is refused: the throttle still counts every request, which is part of the cost
measured, but a client alone on a less busy worker exceeds 20 pages a second.
"""

from __future__ import annotations

import http.client
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from typing import Any

import orjson
import psutil

from tests.benchmarks.environment import ROOT, machine_busy_seconds, process_tree_cpu_seconds

# Django's models are imported where they are used: tests/benchmarks/report.py imports the
# renderers below in the parent process, which never sets Django up.

LIST = "/api/v1/products/"
# libpq's default application_name for gunicorn's connections: their PostgreSQL backends are
# found by it, so other users of the database server do not count as the web server's load.
APPLICATION_NAME = "syncstore-bench-serving-load"
REQUEST_TIMEOUT_SECONDS = 30
TARGET_RPS, TARGET_P95_MS = 100, 200
SAMPLE_SECONDS = 1.0


def _tokens(organization: Any, clients: int) -> list[str]:
    """One member (viewer: the list is all they read) and token per client."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from core.models import Membership

    keys = []
    for number in range(clients):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-load-{number:02d}")
        Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": Membership.Role.VIEWER}
        )
        keys.append(Token.objects.get_or_create(user=user)[0].key)
    return keys


def _gunicorn_command(port: int, workers: int) -> list[str]:
    """The Dockerfile's command line, bound to loopback; only the access log is silenced
    (20 clients would write a line a request to our pipe)."""
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    return [
        gunicorn,
        "config.wsgi:application",
        "-c",
        "config/gunicorn_conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--access-logfile",
        "/dev/null",
    ]


def _production_env() -> dict[str, str]:
    """Production settings (DEBUG off, as in the image) on the benchmark's database."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # The key the catalog's secrets were written with (the local one in a checkout).
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PGAPPNAME": APPLICATION_NAME,
        # Still counted every request (its statement is part of the cost), never refusing: a
        # keep-alive client whose worker is less busy reads well over 20 pages a second.
        "API_THROTTLE_USER": "60000/minute",
    }


class _Client(threading.Thread):
    """One keep-alive connection reading the list page after page, until the deadline."""

    def __init__(self, port: int, token: str, first: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.first, self.deadline = port, first, deadline
        # TLS ends at the proxy in front of gunicorn, which says so (SECURE_PROXY_SSL_HEADER);
        # without it production settings redirect every request to https.
        self.headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}
        self.samples: list[float] = []
        self.errors: Counter[str] = Counter()
        self.pages_to_end = 0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, REQUEST_TIMEOUT_SECONDS)
        path = self.first
        while time.monotonic() < self.deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=self.headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.samples.append(time.perf_counter() - start)
                self.errors[type(error).__name__] += 1
                connection.close()  # the next request opens a new connection
                path = self.first
                continue
            self.samples.append(time.perf_counter() - start)
            if response.status != 200:
                self.errors[f"HTTP {response.status}"] += 1
                path = self.first
                continue
            following = orjson.loads(body)["next"]
            if following:
                path = following.split("127.0.0.1:" + str(self.port), 1)[-1]
            else:
                self.pages_to_end += 1
                path = self.first
        connection.close()


class _BackendCpu:
    """CPU of the PostgreSQL backends serving gunicorn, sampled while they live (a backend
    that closes takes its counters with it: at most one interval of it is missed)."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.at_start: dict[int, float] = {}

    def sample(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME]
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            self.seen[pid] = times.user + times.system

    def start(self) -> None:
        self.sample()
        self.at_start = dict(self.seen)

    def seconds(self) -> float:
        return sum(cpu - self.at_start.get(pid, 0.0) for pid, cpu in self.seen.items())


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _wait_until_serving(port: int, token: str, server: subprocess.Popen) -> None:
    from tests.subprocesses import wait_for

    def answers() -> bool:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, 5)
        try:
            connection.request(
                "GET",
                f"{LIST}?page_size=1",
                headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
            )
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    wait_for(answers, 120, "gunicorn to answer")


def _run_clients(
    port: int, tokens: list[str], first: str, seconds: float, master: psutil.Process
) -> tuple[list[_Client], float, dict[str, float]]:
    """The clients, until they stop by themselves; CPU of each party meanwhile."""
    server_cpu, own_cpu, busy = (
        process_tree_cpu_seconds(master.pid),
        _own_cpu_seconds(),
        machine_busy_seconds(),
    )
    backends = _BackendCpu()
    backends.start()
    started = time.monotonic()
    clients = [_Client(port, token, first, started + seconds) for token in tokens]
    for client in clients:
        client.start()
    for client in clients:
        while client.is_alive():
            backends.sample()
            client.join(SAMPLE_SECONDS)
    elapsed = time.monotonic() - started
    backends.sample()
    server_cpu = process_tree_cpu_seconds(master.pid) - server_cpu
    own_cpu = _own_cpu_seconds() - own_cpu
    postgres = backends.seconds()
    busy = machine_busy_seconds() - busy
    cpu = {
        "gunicorn": round(server_cpu, 2),
        "postgres": round(postgres, 2),
        "load_generator": round(own_cpu, 2),
        # Everything else the machine did meanwhile (other processes on a shared machine).
        "rest": round(max(0.0, busy - server_cpu - own_cpu - postgres), 2),
        "machine_capacity": round(elapsed * (os.cpu_count() or 1), 1),
    }
    return clients, elapsed, cpu


def serve_under_load(
    *, products: int, clients: int = 20, seconds: float = 60, page_size: int = 50
) -> dict[str, Any]:
    from tests.benchmarks.serving import _percentiles, ensure_catalog
    from tests.subprocesses import free_port, stop_process_group

    organization = ensure_catalog(products)
    tokens = _tokens(organization, clients)
    workers = os.cpu_count() or 1
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen(
            _gunicorn_command(port, workers),
            cwd=ROOT,
            env=_production_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group: no worker outlives the run
        )
        try:
            _wait_until_serving(port, tokens[0], server)
            threads, elapsed, cpu = _run_clients(
                port, tokens, f"{LIST}?page_size={page_size}", seconds, psutil.Process(server.pid)
            )
        finally:
            stop_process_group(server)
        log.seek(0)
        server_log = log.read()
    samples = [sample for thread in threads for sample in thread.samples]
    errors: Counter[str] = sum((thread.errors for thread in threads), Counter())
    medians = [statistics.median(thread.samples) for thread in threads if thread.samples]
    result = {
        "products": products,
        "clients": clients,
        "workers": workers,
        "page_size": page_size,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(samples) / elapsed, 1),
        **_percentiles(samples),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "walks_to_end": sum(thread.pages_to_end for thread in threads),
        # Fairness: the fastest and the slowest client's median (a keep-alive connection
        # stays with one worker).
        "client_median_ms": [
            round(min(medians) * 1000, 1),
            round(max(medians) * 1000, 1),
        ],
        "cpu": cpu,
    }
    if errors:
        result["gunicorn_log"] = server_log[-4000:]
    return result


def serving_load_targets(result: dict[str, Any]) -> list[tuple[str, bool]]:
    rps, p95, errors = result["requests_per_second"], result["p95_ms"], result["errors"]
    return [
        (
            f"products list under {result['clients']} clients on gunicorn: {rps:g} requests/s "
            f"(≥ {TARGET_RPS}), p95 {p95} ms (≤ {TARGET_P95_MS}), {errors} errors (0)",
            rps >= TARGET_RPS and p95 <= TARGET_P95_MS and errors == 0,
        )
    ]


def render_serving_load(result: dict[str, Any]) -> list[str]:
    cpu, requests = result["cpu"], max(1, result["requests"])

    def per_request(name: str) -> str:
        return f"{cpu[name] * 1000 / requests:.1f}"

    return [
        f"| {result['clients']} clients, gunicorn ({result['workers']} workers), "
        f"{result['products']:,} products, page {result['page_size']} "
        "| requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | requests "
        "| median of the fastest / slowest client ms "
        "| CPU s: gunicorn / PostgreSQL / load generator / rest of the machine "
        "| CPU ms a request: gunicorn / PostgreSQL / load generator |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
        f"| {result['seconds']:g} s | {result['requests_per_second']:g} | {result['p50_ms']} "
        f"| {result['p95_ms']} | {result['p99_ms']} | {result['max_ms']} | {result['errors']} "
        f"| {result['requests']:,} "
        f"| {' / '.join(str(ms) for ms in result['client_median_ms'])} "
        f"| {cpu['gunicorn']} / {cpu['postgres']} / {cpu['load_generator']} / {cpu['rest']} "
        f"| {per_request('gunicorn')} / {per_request('postgres')} "
        f"/ {per_request('load_generator')} |",
    ]
