"""Create or update a shop connection from the command line (tokens already issued)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from core.models import Organization
from imports.platforms import adapter_for, adapters
from imports.services import connection_create_or_update


class Command(BaseCommand):
    help = "Create or update a Shopee or TikTok Shop connection; prints its id."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="organization slug")
        parser.add_argument("--platform", required=True, choices=[a.platform for a in adapters()])
        parser.add_argument("--name", required=True)
        parser.add_argument("--base-url", required=True)
        parser.add_argument("--auth-base-url", default="")
        parser.add_argument("--authorize-url", default="")
        parser.add_argument("--partner-id", type=int)
        parser.add_argument("--partner-key")
        parser.add_argument("--shop-id")
        parser.add_argument("--app-key")
        parser.add_argument("--app-secret")
        parser.add_argument("--service-id", default="")
        parser.add_argument("--shop-cipher")
        parser.add_argument("--access-token", required=True)
        parser.add_argument("--refresh-token", required=True)
        parser.add_argument(
            "--access-token-expires-in",
            type=int,
            default=None,
            help="seconds from now (default: unknown, refreshed on refusal)",
        )

    def handle(self, *args, **options):
        platform = options["platform"]
        missing = [
            f"--{name.replace('_', '-')}"
            for name in adapter_for(platform).required_credentials
            if not options[name]
        ]
        if missing:
            raise CommandError(f"{platform} connections need {', '.join(missing)}")
        expires = options["access_token_expires_in"]
        try:
            with transaction.atomic():  # a refused connection leaves no new organization behind
                organization, _ = Organization.objects.get_or_create(
                    slug=slugify(options["organization"]),
                    defaults={"name": options["organization"]},
                )
                connection, created = self._save(organization, platform, expires, options)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error)
            ) from error
        self.stderr.write(f"{'Created' if created else 'Updated'} {connection}")
        self.stdout.write(str(connection.pk))

    def _save(self, organization, platform, expires, options):
        return connection_create_or_update(
            organization=organization,
            platform=platform,
            name=options["name"],
            base_url=options["base_url"],
            auth_base_url=options["auth_base_url"],
            authorize_url=options["authorize_url"],
            partner_id=options["partner_id"],
            partner_key=options["partner_key"],
            shop_id=options["shop_id"],
            app_key=options["app_key"],
            app_secret=options["app_secret"],
            service_id=options["service_id"],
            shop_cipher=options["shop_cipher"],
            access_token=options["access_token"],
            refresh_token=options["refresh_token"],
            access_token_expires_at=(
                datetime.now(UTC) + timedelta(seconds=expires) if expires else None
            ),
        )
