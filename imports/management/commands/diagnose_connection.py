"""Diagnose a shop connection: credentials, token expiry, reachability, clock skew, API."""

from django.core.management.base import BaseCommand, CommandError

from imports.diagnostics import connection_diagnose
from imports.models import ChannelConnection


class Command(BaseCommand):
    help = "Check a connection end to end and say what to fix."

    def add_arguments(self, parser):
        parser.add_argument("connection_id", type=int)

    def handle(self, *args, **options):
        try:
            connection = ChannelConnection.objects.get(pk=options["connection_id"])
        except ChannelConnection.DoesNotExist as exc:
            raise CommandError(f"no connection {options['connection_id']}") from exc
        checks = connection_diagnose(connection=connection)
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"[{mark}] {check.name}: {check.detail}")
            if check.advice:
                self.stdout.write(f"       -> {check.advice}")
        if not all(check.ok for check in checks):
            raise CommandError(f"{connection}: problems found")
