"""One catalog build at a time per organization, until the transaction ends.

Matching reads the catalog and then writes it: two imports of one organization building at
once would each miss the other's new products (a duplicate SKU, or twins left unlinked).
Their pages take turns here; fetching stays parallel.
"""

from __future__ import annotations

from django.db import connection

# Advisory lock namespace (keys apart from the import job and window locks').
CATALOG_LOCK_NAMESPACE = 0x5E7D


def organization_build_lock(organization_id: int) -> None:
    """Wait until no other transaction builds this organization's catalog; held until commit
    (taken twice in one transaction, it is still one lock)."""
    if not connection.in_atomic_block:
        raise RuntimeError("build a batch inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [CATALOG_LOCK_NAMESPACE, organization_id]
        )
