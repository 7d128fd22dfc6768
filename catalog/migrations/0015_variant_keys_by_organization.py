import django.contrib.postgres.indexes
from django.db import migrations

import catalog.organization_keys

# catalog.organization_keys: each value prefixed with its row's organization.
ORGANIZATION_KEYS = """
    CREATE FUNCTION organization_keys(organization bigint, keys varchar[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT array_agg(organization::text || ':' || key) FROM unnest(keys) AS key $$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_publication_state"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(ORGANIZATION_KEYS, "DROP FUNCTION organization_keys(bigint, varchar[])"),
        migrations.RemoveIndex(
            model_name="masterproduct",
            name="master_products_variant_skus",
        ),
        migrations.AddIndex(
            model_name="masterproduct",
            index=django.contrib.postgres.indexes.GinIndex(
                catalog.organization_keys.OrganizationKeys("organization", "variant_skus"),
                name="master_products_variant_keys",
            ),
        ),
    ]
