"""One command for a local SyncStore: database, demo data, web server and worker together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class Command(BaseCommand):
    help = "Migrate, load demo data, then run the web server and a django-q2 worker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="skip the demo data")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_schedules", stdout=self.stdout)  # heartbeat, recovery, cleanup
        if not options["no_demo"]:
            call_command("seed_demo", stdout=self.stdout)
        processes = [
            subprocess.Popen([sys.executable, MANAGE, "qcluster"]),  # noqa: S603
            subprocess.Popen(  # noqa: S603
                [sys.executable, MANAGE, "runserver", options["addrport"], "--noreload"]
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS(
                f"SyncStore admin: http://{options['addrport']}/admin/  (Ctrl-C stops everything)"
            )
        )

        def stop(*_args):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            # Stop everything when either process dies: a half-running app misleads.
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [process.args[2] for process in processes if process.returncode not in (0, -15)]
        if failed:
            self.stderr.write(f"stopped: {', '.join(failed)} exited with an error")
