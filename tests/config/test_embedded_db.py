"""The private PostgreSQL: started from nothing, shared by processes, stopped by the last."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

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
