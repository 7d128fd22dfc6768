"""Create the demo organization, its logins and a few hundred Indonesian products."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from core.models import Membership, Organization
from imports.demo_catalog import demo_catalog_create, demo_user_ensure


class Command(BaseCommand):
    help = "Create a demo organization with an admin login and a realistic catalog."

    def add_arguments(self, parser):
        parser.add_argument("--organization", default="toko-demo", help="organization slug")
        parser.add_argument("--products", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--username",
            default=None,
            help="admin login (default: $DEMO_ADMIN_USERNAME or 'admin')",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="admin password (default: $DEMO_ADMIN_PASSWORD or 'syncstore')",
        )

    def handle(self, *args, **options):
        username = options["username"] or os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = options["password"] or os.environ.get("DEMO_ADMIN_PASSWORD", "syncstore")
        organization, _ = Organization.objects.get_or_create(
            slug=options["organization"], defaults={"name": "Toko Demo Nusantara"}
        )
        _, created = demo_user_ensure(
            username=username,
            password=password,
            organization=organization,
            role=Membership.Role.OWNER,
            superuser=True,
        )
        if options["products"]:
            added = demo_catalog_create(
                organization=organization, size=options["products"], seed=options["seed"]
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Organization '{organization.slug}': {added} products added, "
                    f"{organization.products.count()} in total."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Organization '{organization.slug}' ready."))
        if created:
            self.stdout.write(f"Admin login: {username} / {password}")
        else:
            self.stdout.write(f"Admin login: {username} (existing user, password unchanged)")
