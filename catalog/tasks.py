"""django-q2 entry points of the catalog: load, call the service."""

from __future__ import annotations

from catalog.rematch import catalog_rematch


def rematch_catalog(organization_id: int) -> dict:
    """Re-match an organization's catalog (queued by the admin action, after its dry run)."""
    return catalog_rematch(organization_id=organization_id, dry_run=False).as_dict()


def reprice_listings(platform: str, organization_id: int | None = None) -> str:
    """Re-price a platform's listings (one organization's, or every organization's when a
    default fee rule changed), after a fee rule or pricing profile changed."""
    from catalog.listing_prices import mapping_prices_recalculate
    from catalog.models import PlatformMapping

    mappings = PlatformMapping.objects.filter(platform=platform)
    if organization_id is not None:
        mappings = mappings.filter(organization_id=organization_id)
    changes = mapping_prices_recalculate(mappings=mappings)
    return f"{sum(change.changed for change in changes)} of {len(changes)} listings re-priced"
