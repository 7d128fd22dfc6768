from __future__ import annotations

from rest_framework import serializers

from imports.models import BUILD_COUNTS, FETCH_COUNTS, ChannelConnection, ImportJob, count_fields
from imports.selectors import import_job_progress


class ConnectionSerializer(serializers.ModelSerializer):
    """A connection without any secret: only whether each one is set."""

    has_partner_key = serializers.SerializerMethodField()
    has_app_secret = serializers.SerializerMethodField()
    has_access_token = serializers.SerializerMethodField()
    has_refresh_token = serializers.SerializerMethodField()

    class Meta:
        model = ChannelConnection
        fields = [
            "id",
            "organization",
            "platform",
            "name",
            "status",
            "base_url",
            "auth_base_url",
            "partner_id",
            "app_key",
            "shop_id",
            "shop_cipher",
            "shop_name",
            "has_partner_key",
            "has_app_secret",
            "has_access_token",
            "has_refresh_token",
            "access_token_expires_at",
            "refresh_token_expires_at",
            "rate_limit_qps",
            "concurrency",
            "last_error",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_partner_key(self, obj) -> bool:
        return bool(obj.partner_key)

    def get_has_app_secret(self, obj) -> bool:
        return bool(obj.app_secret)

    def get_has_access_token(self, obj) -> bool:
        return bool(obj.access_token)

    def get_has_refresh_token(self, obj) -> bool:
        return bool(obj.refresh_token)


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    to_fetch_again_count = serializers.SerializerMethodField(
        help_text="Listings whose fetch failed for a passing reason, read again by Resume or "
        "by the shop's next import."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "organization",
            "connection",
            "platform",
            "mode",
            "dry_run",
            "status",
            "stage",
            "total",
            *count_fields(FETCH_COUNTS),
            "to_fetch_again_count",
            "api_calls",
            *count_fields(BUILD_COUNTS),
            "placeholder_skus",
            "stage_seconds",
            "error_type",
            "error_message",
            "auto_resume_at",
            "updated_since",
            "started_at",
            "finished_at",
            "created_at",
            "progress",
        ]
        read_only_fields = fields

    def get_to_fetch_again_count(self, obj) -> int:
        return len(obj.retry_ids)

    def get_progress(self, obj) -> dict:
        return import_job_progress(obj)


class ImportStartSerializer(serializers.Serializer):
    connection = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, default=ImportJob.Mode.FULL)
    dry_run = serializers.BooleanField(default=False)
