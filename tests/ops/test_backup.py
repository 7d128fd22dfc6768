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
