"""The indexes and extensions the catalog relies on exist in the migrated database."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def test_pg_trgm_extension_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)


def test_master_products_has_full_text_trigram_and_tag_indexes():
    indexes = _indexes("master_products")
    assert "USING gin (organization_id, search_vector)" in indexes["master_products_search_gin"]
    assert (
        "organization_keys(organization_id, variant_skus)"
        in indexes["master_products_variant_keys"]
    )
    assert "gin_trgm_ops" in indexes["master_products_name_trgm"]
    assert "USING gin (tags)" in indexes["master_products_tags_gin"]
    assert "UNIQUE" in indexes["master_products_unique_org_sku"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE d.adrelid = 'master_products'::regclass AND a.attname = 'search_vector'"
        )
        expression = cursor.fetchone()[0]
    assert "'indonesian'::regconfig" in expression
    assert "short_description" in expression


def test_seed_tables_keep_their_names_and_unique_keys():
    assert "UNIQUE" in _indexes("platform_mappings")["platform_mappings_unique_org_listing"]
    assert "UNIQUE" in _indexes("raw_import_data")["raw_import_data_unique_job_product"]


def test_money_columns_are_numeric_12_2():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, numeric_precision, numeric_scale "
            "FROM information_schema.columns WHERE column_name IN "
            "('base_price', 'cost_price', 'platform_price', 'weight_kg', 'length_cm')"
        )
        columns = {(t, c): (p, s) for t, c, p, s in cursor.fetchall()}
    assert columns[("master_products", "base_price")] == (12, 2)
    assert columns[("master_products", "cost_price")] == (12, 2)
    assert columns[("platform_mappings", "platform_price")] == (12, 2)
    assert columns[("master_products", "weight_kg")] == (8, 3)
    assert columns[("master_products", "length_cm")] == (8, 2)
