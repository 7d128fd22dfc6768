"""One command for a local SyncStore: database, demo shops, sandbox, web server and worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core.models import Organization
from core.supervise import Child, StopRequested, Supervisor
from imports.demo import demo_shops_connect

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _browser_host(addrport: str) -> tuple[str, str]:
    """(host, port) a browser on this machine reaches `runserver ADDRPORT` at."""
    host, _, port = addrport.rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):  # noqa: S104 - listening everywhere, reached via loopback
        host = "127.0.0.1"
    return host, port


class Command(BaseCommand):
    help = (
        "Migrate, start the sandbox marketplaces with two connected demo shops, "
        "then run the web server and a django-q2 worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-demo", action="store_true", help="no demo login, shops or sandbox"
        )
        parser.add_argument("--sandbox-port", type=int, default=8765)
        parser.add_argument(
            "--sandbox-products", type=int, default=1000, help="listings per demo shop"
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_schedules", stdout=self.stdout)  # heartbeat, recovery, cleanup
        host, port = _browser_host(options["addrport"])
        supervisor = Supervisor()
        died: Child | None = None
        with supervisor.stop_on_signals():
            try:
                if not options["no_demo"]:
                    self._demo(supervisor, options, f"http://{host}:{port}")
                supervisor.start("the worker (qcluster)", [sys.executable, MANAGE, "qcluster"])
                supervisor.start(
                    "the web server (runserver)",
                    [sys.executable, MANAGE, "runserver", options["addrport"], "--noreload"],
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"SyncStore admin: http://{host}:{port}/admin/  (Ctrl-C stops everything)"
                    )
                )
                self.stdout.flush()
                # A half-running app misleads: the first child to exit stops them all.
                died = supervisor.wait_for_first_exit()
                self.stderr.write(f"{died.describe()}: stopping the others")
            except (KeyboardInterrupt, StopRequested):
                # Asked to stop (Ctrl-C, SIGTERM, SIGHUP): a success, so the exit status is 0.
                self.stdout.write("Stopping everything")
            finally:
                supervisor.stop_all()
        if died is not None:
            raise CommandError(f"{died.describe()}; stopped everything else")

    def _demo(self, supervisor: Supervisor, options, app_url: str) -> None:
        """Start the sandbox, then the demo login and both demo shops connected to it."""
        callback = app_url + reverse("imports:oauth_callback", args=["tiktokshop"])
        sandbox = supervisor.start(
            "the sandbox marketplaces (marketplace_sandbox)",
            [
                sys.executable,
                MANAGE,
                "marketplace_sandbox",
                "--port",
                str(options["sandbox_port"]),
                "--products",
                str(options["sandbox_products"]),
                "--tiktok-redirect-uri",
                callback,
                "--json",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = sandbox.process.stdout.readline()  # the credentials, once it listens
        if not line:
            raise CommandError(
                f"the sandbox marketplaces did not start (port {options['sandbox_port']} in "
                "use? choose another with --sandbox-port)"
            )
        credentials = json.loads(line)
        self._allow_sandbox_host(credentials["base_url"])
        call_command("seed_demo", products=0, stdout=self.stdout)
        organization = Organization.objects.get(slug="toko-demo")
        for connection in demo_shops_connect(organization=organization, credentials=credentials):
            self.stdout.write(f"Demo shop connected: {connection} -> {connection.base_url}")
        self.stdout.write(
            f"To import: {app_url}{reverse('admin:imports_channelconnection_changelist')} -> "
            "tick both demo shops -> action 'Import now (full)' -> Go."
        )

    def _allow_sandbox_host(self, sandbox_url: str) -> None:
        """Let the demo connections (here, in the worker and the web server) reach the sandbox.

        Connections may only call the marketplaces' hosts, or those MARKETPLACE_EXTRA_HOSTS
        lists: the sandbox's origin is added for this run only.
        """
        parts = urlsplit(sandbox_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in settings.MARKETPLACE_EXTRA_HOSTS:
            settings.MARKETPLACE_EXTRA_HOSTS = [*settings.MARKETPLACE_EXTRA_HOSTS, origin]
        os.environ["MARKETPLACE_EXTRA_HOSTS"] = ",".join(settings.MARKETPLACE_EXTRA_HOSTS)
