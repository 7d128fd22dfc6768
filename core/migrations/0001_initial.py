"""Organization, Membership and RateCounter move here from catalog: the tables stay (their
names are kept in Meta.db_table), only Django's idea of which app owns them changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("organization", "membership", "ratecounter")


def _relabel(apps, source: str, target: str) -> None:
    # Permissions and admin history point at content types: keep them, under the new app.
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MOVED).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=MOVED).exclude(model__in=taken).update(
        app_label=target
    )


def content_types_to_core(apps, schema_editor) -> None:
    _relabel(apps, "catalog", "core")


def content_types_to_catalog(apps, schema_editor) -> None:
    _relabel(apps, "core", "catalog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables were created (and last changed) by catalog's migrations.
        ("catalog", "0012_alter_matchreview_options"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organization",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "slug",
                            models.SlugField(max_length=100, unique=True, verbose_name="slug"),
                        ),
                    ],
                    options={
                        "verbose_name": "organization",
                        "verbose_name_plural": "organizations",
                        "db_table": "catalog_organization",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        (
                            "key",
                            models.CharField(max_length=200, primary_key=True, serialize=False),
                        ),
                        ("window_start", models.DateTimeField()),
                        ("hits", models.PositiveIntegerField(default=0)),
                        ("previous_hits", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "api_rate_counters",
                        "indexes": [
                            models.Index(fields=["window_start"], name="api_rate_counters_window")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("owner", "Owner"),
                                    ("merchandiser", "Merchandiser"),
                                    ("viewer", "Viewer"),
                                ],
                                default="viewer",
                                max_length=20,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="core.organization",
                                verbose_name="organization",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "membership",
                        "verbose_name_plural": "memberships",
                        "db_table": "catalog_membership",
                        "ordering": ["organization__name", "user__username"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organization"),
                                name="membership_unique_user_organization",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_core, content_types_to_catalog),
    ]
