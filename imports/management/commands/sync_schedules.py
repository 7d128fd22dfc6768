"""Make django-q2's schedules match the ones declared in imports/schedules.py."""

from django.core.management.base import BaseCommand

from imports.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create, update or delete SyncStore's recurring tasks (safe to run repeatedly)."

    def handle(self, *args, **options):
        report = schedules_sync()
        for kind in ("created", "updated", "deleted", "kept"):
            if report[kind]:
                self.stdout.write(f"{kind}: {', '.join(report[kind])}")
