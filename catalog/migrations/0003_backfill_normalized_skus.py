"""Data migration: fill sku_normalized and variant_skus for products created before matching."""

import re

from django.db import migrations


def _normalize(sku):
    return re.sub(r"\s+", "", (sku or "").strip()).casefold()[:100]


def forwards(apps, schema_editor):
    MasterProduct = apps.get_model("catalog", "MasterProduct")
    batch = []
    for product in MasterProduct.objects.filter(sku_normalized="").only("id", "sku", "variants"):
        product.sku_normalized = _normalize(product.sku)
        product.variant_skus = sorted(
            {
                _normalize(v.get("sku"))
                for v in product.variants or []
                if isinstance(v, dict) and v.get("sku")
            }
        )
        batch.append(product)
        if len(batch) >= 1000:
            MasterProduct.objects.bulk_update(batch, ["sku_normalized", "variant_skus"])
            batch = []
    MasterProduct.objects.bulk_update(batch, ["sku_normalized", "variant_skus"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_matching_fields")]

    # Backwards: the columns are dropped by reversing 0002; nothing to undo here.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
