"""Child processes (commands, django-q2 workers) that use the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import IO
from urllib.parse import quote

from django.conf import settings as django_settings
from django.db import connection


def test_database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    socket_dir = (settings.get("OPTIONS") or {}).get("host") or ""
    if socket_dir.startswith("/") or (settings["HOST"] or "").startswith("/"):
        return (
            f"postgres://{user}{password}@/{settings['NAME']}?host={socket_dir or settings['HOST']}"
        )
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST']}{port}/{settings['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": test_database_url(), **extra}


def start_worker(*, log_file: IO | None = None, **extra_env: str) -> subprocess.Popen:
    """A django-q2 worker on the test database, in its own process group (killable whole).

    One worker process unless `Q_WORKERS` says otherwise; its output goes to `log_file` (an open
    file) or nowhere.
    """
    output = log_file or subprocess.DEVNULL  # an unread pipe would fill and stall the worker
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=django_settings.BASE_DIR,
        env=child_env(**{"Q_WORKERS": "1", **extra_env}),
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def stop_process_group(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def stop_worker(process: subprocess.Popen, seconds: float = 30) -> None:
    """Stop a worker from start_worker the way django-q2 expects, then anything it left.

    SIGTERM goes to the cluster's main process only: it stops its sentinel and workers in
    order. A group-wide SIGTERM kills the sentinel under it, and the main process then waits
    forever on a condition the sentinel held (core/supervise.py stops `up`'s worker the same
    way).
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            stop_process_group(process, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # a process it started and left behind


def wait_for(predicate: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
