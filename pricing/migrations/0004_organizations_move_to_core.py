"""Foreign keys now name core.Organization: same table, so nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("pricing", "0003_verbose_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="platformfeeconfig",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Empty: a default for every organization.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fee_configs",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="pricingprofile",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pricing_profiles",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
