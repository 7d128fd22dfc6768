"""Run the Shopee and TikTok Shop sandbox marketplaces on a local port."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from imports.sandbox.catalog import PROFILES, DirtRates
from imports.sandbox.faults import FaultConfig
from imports.sandbox.server import MarketplaceSandbox


class Command(BaseCommand):
    help = (
        "Serve protocol-faithful Shopee v2 and TikTok Shop sandboxes with a generated catalog. "
        "Prints both base URLs and ready-to-use credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--products", type=int, default=5000, help="listings per shop (1 to 1,000,000)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--profile",
            default="default",
            help=f"catalog profile: {' or '.join(PROFILES)} (real sellers' messy listings)",
        )
        parser.add_argument(
            "--overlap",
            type=float,
            default=None,
            help="share of TikTok listings that are also Shopee listings "
            "(default 0.3; dirty-seller 0.65)",
        )
        parser.add_argument("--latency-ms", type=float, default=0.0)
        parser.add_argument("--qps", type=float, default=0.0, help="per platform; 0 = no limit")
        parser.add_argument(
            "--fault-rate",
            type=float,
            default=0.0,
            help="share of API calls that fail, spread over every fault kind",
        )
        parser.add_argument("--slow-seconds", type=float, default=5.0)
        parser.add_argument("--clean", action="store_true", help="no dirty data (SKUs, titles)")
        parser.add_argument(
            "--tiktok-redirect-uri",
            default="",
            help="the app's TikTok callback URL (set in Partner Center)",
        )
        parser.add_argument("--json", action="store_true", help="print credentials as JSON")

    def handle(self, *args, **options):
        if not 0 <= options["fault_rate"] <= 1:
            raise CommandError("--fault-rate must be between 0 and 1")
        if options["profile"] not in PROFILES:
            raise CommandError(
                f"Unknown --profile {options['profile']!r}: choose one of {', '.join(PROFILES)}"
            )
        if options["clean"] and options["profile"] != "default":
            raise CommandError("--clean applies to the default profile only")
        try:
            sandbox = MarketplaceSandbox(
                seed=options["seed"],
                products=options["products"],
                overlap=options["overlap"],
                dirt=DirtRates.clean() if options["clean"] else None,
                profile=options["profile"],
                faults=FaultConfig.spread(
                    options["fault_rate"],
                    latency_ms=options["latency_ms"],
                    qps=options["qps"],
                    slow_seconds=options["slow_seconds"],
                ),
                tiktok_redirect_uri=options["tiktok_redirect_uri"],
            )
            sandbox.start(options["host"], options["port"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        credentials = sandbox.credentials()
        if options["json"]:
            self.stdout.write(json.dumps({"base_url": sandbox.base_url, **credentials}))
        else:
            self._describe(sandbox, credentials, options)
        self.stdout.flush()
        self._wait(sandbox)

    def _wait(self, sandbox: MarketplaceSandbox) -> None:
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()

    def _describe(self, sandbox, credentials, options) -> None:
        shopee, tiktok = credentials["shopee"], credentials["tiktokshop"]
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Marketplace sandbox on {sandbox.base_url}: profile {sandbox.catalog.profile}, "
                f"{options['products']} listings per shop, seed {options['seed']}, "
                f"overlap {sandbox.catalog.tiktok.overlap:.0%}"
            )
        )
        write("\nShopee Open Platform v2")
        for key in (
            "base_url",
            "partner_id",
            "partner_key",
            "shop_id",
            "access_token",
            "refresh_token",
        ):
            write(f"  {key:<22} {shopee[key]}")
        write("\nTikTok Shop Open API")
        for key in (
            "base_url",
            "auth_base_url",
            "authorize_url",
            "app_key",
            "app_secret",
            "service_id",
            "shop_cipher",
            "access_token",
            "refresh_token",
        ):
            write(f"  {key:<22} {tiktok[key]}")
        write(
            f"\nConnections may call it once the app runs with "
            f"MARKETPLACE_EXTRA_HOSTS={sandbox.base_url} (connections send tokens only to "
            "the marketplaces' hosts and the ones listed there)."
        )
        write(f"\nControl: {sandbox.base_url}/_sandbox/ (stats, faults, mutate). Ctrl-C stops.")
