"""A backup restored into a fresh database holds the same catalog."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from catalog.models import MasterProduct
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _server_dsn(database: str) -> str:
    settings = connection.settings_dict
    params = {"dbname": database, "user": settings["USER"]}
    host = settings.get("HOST") or (settings.get("OPTIONS") or {}).get("host")
    if host:
        params["host"] = host
    if settings.get("PORT"):
        params["port"] = settings["PORT"]
    if settings.get("PASSWORD"):
        params["password"] = settings["PASSWORD"]
    return psycopg.conninfo.make_conninfo(**params)


def test_backup_and_restore_round_trip(tmp_path, organization):
    for _ in range(5):
        PlatformMappingFactory(master_product=MasterProductFactory(organization=organization))
    expected = sorted(MasterProduct.objects.values_list("sku", "base_price", "name"))
    dump = tmp_path / "catalog.dump"
    call_command("backup_database", "--output", str(dump))
    assert dump.stat().st_size > 1000
    target = "syncstore_restore_check"
    with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    try:
        call_command("restore_database", str(dump), "--database", target, "--yes")
        with psycopg.connect(_server_dsn(target)) as restored:
            rows = restored.execute(
                "SELECT sku, base_price, name FROM master_products ORDER BY sku, base_price, name"
            ).fetchall()
            mappings = restored.execute("SELECT count(*) FROM platform_mappings").fetchone()
        assert sorted(rows) == expected
        assert mappings == (5,)
    finally:
        with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
            )


# --- The daily backup and its retention ----------------------------------------------------


def _touch(directory, name: str):
    path = directory / name
    path.write_bytes(b"not a real dump")
    return path


def _ours_taken(days_ago: float) -> str:
    from datetime import timedelta

    from django.utils import timezone

    from imports.backup import backup_file_name

    return backup_file_name(timezone.now() - timedelta(days=days_ago))


def test_backup_names_are_utc_and_only_ours_parse():
    from datetime import UTC, datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from imports.backup import backup_file_name, backup_taken_at

    jakarta = datetime(2025, 1, 31, 9, 0, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    name = backup_file_name(jakarta)
    assert name == "syncstore-20250131T020000Z.dump"
    assert backup_taken_at(Path(name)) == jakarta.astimezone(UTC)
    assert backup_taken_at(Path("syncstore-20250131-020000.dump")) == jakarta  # earlier names
    for foreign in [
        "syncstore-manual.dump",
        "syncstore-20250131T020000Z.dump.bak",
        "other-20250131T020000Z.dump",
        ".syncstore-20250131T020000Z.dump.partial",
    ]:
        assert backup_taken_at(Path(foreign)) is None


def test_the_daily_task_writes_a_backup_and_prunes_only_our_old_ones(tmp_path, settings):
    from django.utils import timezone

    from imports.backup import backup_taken_at
    from imports.tasks import backup_database_daily

    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_RETENTION_DAYS = 30
    settings.BACKUP_DIR.mkdir()
    old = _touch(settings.BACKUP_DIR, _ours_taken(31))
    legacy = _touch(settings.BACKUP_DIR, "syncstore-20200101-000000.dump")
    recent = _touch(settings.BACKUP_DIR, _ours_taken(29))
    foreign = [
        _touch(settings.BACKUP_DIR, name)
        for name in [
            "syncstore-manual.dump",
            "syncstore-20200101T000000Z.dump.bak",
            "nightly-20200101T000000Z.dump",
            "README.txt",
        ]
    ]
    (settings.BACKUP_DIR / "syncstore-20200102T000000Z.dump").mkdir()  # not a file: left alone
    started = timezone.now().replace(microsecond=0)

    result = backup_database_daily()

    written = [
        path
        for path in settings.BACKUP_DIR.iterdir()
        if path.is_file() and path not in (recent, *foreign)
    ]
    assert len(written) == 1 and written[0].stat().st_size > 1000
    assert started <= backup_taken_at(written[0]) <= timezone.now()
    assert not old.exists() and not legacy.exists()
    assert recent.exists() and all(path.exists() for path in foreign)
    assert (settings.BACKUP_DIR / "syncstore-20200102T000000Z.dump").is_dir()
    assert f"wrote {written[0]}" in result
    assert "pruned 2 older than 30 days" in result
    assert old.name in result and legacy.name in result


def test_the_command_prunes_with_its_retention_but_never_the_backup_it_wrote(tmp_path):
    from io import StringIO

    # A name that would count as old: it survives because it is the backup just written.
    output = tmp_path / "syncstore-20000101T000000Z.dump"
    week_old = _touch(tmp_path, _ours_taken(8))
    fresh = _touch(tmp_path, _ours_taken(6))
    out = StringIO()
    call_command(
        "backup_database", "--output", str(output), "--prune", "--retention-days", "7", stdout=out
    )
    assert output.stat().st_size > 1000
    assert not week_old.exists() and fresh.exists()
    assert f"Pruned 1 backups older than 7 days\n  {week_old}" in out.getvalue()
    assert not list(tmp_path.glob(".*.partial"))


def test_without_prune_or_with_zero_retention_nothing_is_deleted(tmp_path):
    from io import StringIO

    ancient = _touch(tmp_path, "syncstore-20000101T000000Z.dump")
    call_command("backup_database", "--output", str(tmp_path / "a.dump"), stdout=StringIO())
    out = StringIO()
    call_command(
        "backup_database",
        "--output",
        str(tmp_path / "b.dump"),
        "--retention-days",
        "0",
        stdout=out,
    )
    assert ancient.exists()
    assert "nothing pruned" in out.getvalue()


def test_a_failed_backup_leaves_no_file_and_prunes_nothing(tmp_path, settings, monkeypatch):
    from django.core.management.base import CommandError

    settings.BACKUP_DIR = tmp_path
    old = _touch(tmp_path, _ours_taken(400))
    # pg_dump itself fails: the database it is pointed at does not exist.
    monkeypatch.setitem(connection.settings_dict, "NAME", "syncstore_no_such_database")
    with pytest.raises(CommandError, match="backup failed"):
        call_command("backup_database", "--prune")
    assert [path.name for path in tmp_path.iterdir()] == [old.name]


# --- Backups hold token keys: owner-only files (issue #18, part 6) ----------------------------


def test_backups_are_written_owner_only(tmp_path, settings):
    import stat

    from imports.backup import database_backup_rotate

    explicit = tmp_path / "existing.dump"
    explicit.write_bytes(b"")
    explicit.chmod(0o644)  # a file that was there before keeps no wider mode
    call_command("backup_database", "--output", str(explicit))
    assert stat.S_IMODE(explicit.stat().st_mode) == 0o600

    settings.BACKUP_DIR = tmp_path / "new" / "backups"
    report = database_backup_rotate()
    assert stat.S_IMODE(report.written.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.BACKUP_DIR.stat().st_mode) == 0o700


def test_restore_refuses_a_world_writable_dump(tmp_path):
    from django.core.management import CommandError

    dump = tmp_path / "tampered.dump"
    call_command("backup_database", "--output", str(dump))
    dump.chmod(0o666)
    with pytest.raises(CommandError, match="world-writable"):
        # A database that does not exist: the refusal comes before pg_restore would fail.
        call_command("restore_database", str(dump), "--database", "no_such_database", "--yes")
