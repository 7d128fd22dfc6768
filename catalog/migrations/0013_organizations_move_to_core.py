"""The other half of core 0001: catalog forgets the models core now owns (tables untouched)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_alter_matchreview_options"),
        ("core", "0001_initial"),
        ("imports", "0012_organizations_move_to_core"),
        ("pricing", "0004_organizations_move_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="membership",
                    name="organization",
                ),
                migrations.RemoveField(
                    model_name="membership",
                    name="user",
                ),
                migrations.AlterField(
                    model_name="platformmapping",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mappings",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="skurule",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sku_rules",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="masterproduct",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="products",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.DeleteModel(
                    name="RateCounter",
                ),
                migrations.DeleteModel(
                    name="Membership",
                ),
                migrations.DeleteModel(
                    name="Organization",
                ),
            ],
            database_operations=[],
        ),
    ]
