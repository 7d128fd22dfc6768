from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_seo_findings")]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="masterproduct", name="master_products_search_gin"),
        migrations.AddIndex(
            model_name="masterproduct",
            index=GinIndex(
                fields=["organization", "search_vector"], name="master_products_search_gin"
            ),
        ),
        migrations.RemoveIndex(model_name="masterproduct", name="master_products_variant_skus"),
        migrations.AddIndex(
            model_name="masterproduct",
            index=GinIndex(
                fields=["organization", "variant_skus"], name="master_products_variant_skus"
            ),
        ),
    ]
