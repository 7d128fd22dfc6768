"""One command for a local SyncStore: database, demo shops, sandbox, web server and worker."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from catalog.models import Organization
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
        processes: list[subprocess.Popen] = []
        host, port = _browser_host(options["addrport"])
        try:
            if not options["no_demo"]:
                processes.append(self._demo(options, f"http://{host}:{port}"))
            processes.append(subprocess.Popen([sys.executable, MANAGE, "qcluster"]))  # noqa: S603
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, MANAGE, "runserver", options["addrport"], "--noreload"]
                )
            )
        except BaseException:
            self._stop(processes)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"SyncStore admin: http://{host}:{port}/admin/  (Ctrl-C stops everything)"
            )
        )
        self.stdout.flush()
        signal.signal(signal.SIGTERM, lambda *_args: self._terminate(processes))
        try:
            # Stop everything when any process dies: a half-running app misleads.
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(processes)
        failed = [
            Path(process.args[2]).name
            for process in processes
            if process.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)
        ]
        if failed:
            self.stderr.write(f"stopped: {', '.join(failed)} exited with an error")

    def _demo(self, options, app_url: str) -> subprocess.Popen:
        """Start the sandbox, then the demo login and both demo shops connected to it."""
        callback = app_url + reverse("imports:oauth_callback", args=["tiktokshop"])
        sandbox = subprocess.Popen(  # noqa: S603
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
        line = sandbox.stdout.readline()  # the credentials, once it listens
        if not line:
            sandbox.wait(timeout=10)
            raise CommandError(
                f"the sandbox marketplaces did not start (port {options['sandbox_port']} in "
                "use? choose another with --sandbox-port)"
            )
        credentials = json.loads(line)
        call_command("seed_demo", products=0, stdout=self.stdout)
        organization = Organization.objects.get(slug="toko-demo")
        for connection in demo_shops_connect(organization=organization, credentials=credentials):
            self.stdout.write(f"Demo shop connected: {connection} -> {connection.base_url}")
        self.stdout.write(
            f"To import: {app_url}{reverse('admin:imports_channelconnection_changelist')} -> "
            "tick both demo shops -> action 'Import now (full)' -> Go."
        )
        return sandbox

    @staticmethod
    def _terminate(processes: list[subprocess.Popen]) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    def _stop(self, processes: list[subprocess.Popen]) -> None:
        self._terminate(processes)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
