"""The private PostgreSQL: started from nothing, shared by processes, stopped by the last."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from config.embedded_db import PID_LIST, prune_dead_users
from config.settings import BASE_DIR

QUERY = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
    "from django.db import connection; c = connection.cursor();"
    "c.execute(\"SELECT current_database(), current_setting('server_version_num')::int,"
    " (SELECT count(*) FROM pg_ts_config WHERE cfgname = 'indonesian')\");"
    "print(*c.fetchone()); import sys; sys.stdout.flush();"
)


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SYNCSTORE_VAR_DIR"] = str(var_dir)
    return env


def _postgres_running_for(pgdata: Path) -> bool:
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and str(pgdata) in " ".join(proc.info["cmdline"] or []):
            return True
    return False


def _wait_until_stopped(pgdata: Path, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _postgres_running_for(pgdata):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_embedded_database_starts_from_nothing_and_stops_with_its_last_user(tmp_path):
    var_dir = tmp_path / "var"
    pgdata = var_dir / "pgdata"
    assert not var_dir.exists()

    # A long-lived user (like the web server) and a short one (like a command) share it.
    holder = subprocess.Popen(
        [sys.executable, "-c", QUERY + "sys.stdin.read()"],
        cwd=BASE_DIR,
        env=_env(var_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = holder.stdout.readline().split()
        assert first[0] == "syncstore"
        assert int(first[1]) >= 160000
        assert first[2] == "1"  # the indonesian text search configuration
        assert (pgdata / "PG_VERSION").exists()

        second = subprocess.run(
            [sys.executable, "-c", QUERY],
            cwd=BASE_DIR,
            env=_env(var_dir),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert second.stdout.split()[0] == "syncstore"
        # The short-lived process left; the server is still up for the holder.
        assert _postgres_running_for(pgdata)
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
    assert _wait_until_stopped(pgdata), "the last process should stop the server"


def _start_holder(var_dir: Path) -> subprocess.Popen:
    """A long-lived user of the embedded server (like the web server), once connected."""
    holder = subprocess.Popen(
        [sys.executable, "-c", QUERY + "sys.stdin.read()"],
        cwd=BASE_DIR,
        env=_env(var_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().split()[0] == "syncstore"
    return holder


@pytest.fixture
def var_dir(tmp_path):
    """A fresh var dir; a server a failed test left running there is stopped afterwards."""
    yield tmp_path / "var"
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and str(tmp_path) in " ".join(
            proc.info["cmdline"] or []
        ):
            proc.kill()


def _listed(pgdata: Path) -> list[int]:
    return json.loads((pgdata / PID_LIST).read_text())


def test_pruning_drops_exited_and_reused_pids_and_keeps_live_ones(tmp_path):
    exited = subprocess.Popen(["true"])
    exited.wait()
    newer = subprocess.Popen(["sleep", "30"])
    try:
        path = tmp_path / PID_LIST
        path.write_text(json.dumps([exited.pid, 1, newer.pid]))
        # Say the list was last written just after boot: pid 1 (started at boot) may be on it,
        # but `newer`, started later, can only have got a reused pid.
        written = psutil.Process(1).create_time() + 1
        os.utime(path, (written, written))
        assert sorted(prune_dead_users(tmp_path)) == sorted([exited.pid, newer.pid])
    finally:
        newer.kill()
        newer.wait()
    assert _listed(tmp_path) == [1]
    assert prune_dead_users(tmp_path) == []
    assert _listed(tmp_path) == [1]


@pytest.mark.slow
def test_a_user_killed_outright_does_not_keep_the_server_running(var_dir):
    pgdata = var_dir / "pgdata"
    holder = _start_holder(var_dir)
    holder.kill()  # SIGKILL: no chance to take itself off the list
    holder.wait(timeout=10)
    assert _listed(pgdata) == [holder.pid]
    assert _postgres_running_for(pgdata)

    # The next process prunes the dead pid, reuses the running server, and as its last live
    # user stops it when it exits.
    later = subprocess.run(
        [
            sys.executable,
            "-c",
            QUERY + "import pathlib;"
            f"print(os.getpid(), pathlib.Path({str(pgdata / PID_LIST)!r}).read_text())",
        ],
        cwd=BASE_DIR,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first_line, second_line = later.stdout.splitlines()[:2]
    assert first_line.split()[0] == "syncstore"
    pid, listed = second_line.split(" ", 1)
    assert json.loads(listed) == [int(pid)]  # the dead holder was pruned
    assert _wait_until_stopped(pgdata), "the last live user should stop the server"
    assert _listed(pgdata) == []


@pytest.mark.slow
def test_a_user_stopped_by_sigterm_releases_the_server_and_still_dies_of_it(var_dir):
    pgdata = var_dir / "pgdata"
    holder = _start_holder(var_dir)
    assert _listed(pgdata) == [holder.pid]
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    assert holder.returncode == -signal.SIGTERM  # the exit status callers expect is unchanged
    assert _listed(pgdata) == []
    assert _wait_until_stopped(pgdata), "the only user stopped: so should the server"


def test_database_url_wins_over_the_embedded_server(tmp_path):
    from django.db import connection

    url = "postgres://someone:secret@db.example:6543/catalog"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
            "from django.conf import settings; d = settings.DATABASES['default'];"
            "print(d['HOST'], d['PORT'], d['NAME'], d['USER'])",
        ],
        cwd=BASE_DIR,
        env={**_env(tmp_path / "unused"), "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["db.example", "6543", "catalog", "someone"]
    assert not (tmp_path / "unused" / "pgdata").exists()
    assert connection.vendor == "postgresql"
