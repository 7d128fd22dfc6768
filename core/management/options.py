"""Command-line options several management commands share."""

from __future__ import annotations

from django.core.management.base import CommandError

from core.models import Organization


def organization_option(slug: str) -> Organization:
    """The organization an `--organization SLUG` option names, or a clear command error."""
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist as exc:
        raise CommandError(f"no organization {slug!r}") from exc
