"""Foreign keys now name core.Organization: same table, so nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("imports", "0011_event_templates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="channelconnection",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="connections",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="importjob",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="import_jobs",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="rawimportrecord",
                    name="organization",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="raw_records",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
