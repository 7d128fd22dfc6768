"""django-q2 entry points of the catalog: load, call the service."""

from __future__ import annotations

from catalog.rematch import catalog_rematch


def rematch_catalog(organization_id: int) -> dict:
    """Re-match an organization's catalog (queued by the admin action, after its dry run)."""
    return catalog_rematch(organization_id=organization_id, dry_run=False).as_dict()
