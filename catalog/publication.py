"""What a listing would change on its marketplace if published, and the record of publishing.

A mapping is *pending* when the price SyncStore computed for a variant (`desired_prices`) or
its SEO title differs from what the platform last showed (`remote_prices`, `platform_title`:
the last import, or the read-back after a publish), and *synced* when they agree. Prices,
titles, imports and publishing all end in `publication_refresh`, so the state is never stale.

The publish job (imports/publishing/) writes to the marketplaces; the catalog alone writes
mappings, so the job records each result here (`mapping_publication_record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from catalog.choices import PublishKind, SyncStatus
from catalog.models import MasterProduct, PlatformMapping

# Written with a listing's price or title; the status is then settled from the committed row
# (publication_status_settle), never from the copy the bulk write had.
PUBLICATION_FIELDS = ("desired_prices", "pending_kinds", "price_change_percent")

# Set by people or by the publish job; a recomputed price or title does not clear them.
STICKY_STATUSES = {SyncStatus.CONFLICT, SyncStatus.BLOCKED, SyncStatus.IN_REVIEW}


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def prices_as_json(prices: Mapping[str, Decimal | None]) -> dict[str, str]:
    return {key: str(value) for key, value in prices.items() if value is not None}


def remote_prices_of(listing: Mapping[str, Any]) -> dict[str, str]:
    """The prices a listing record shows, by variant key ("" for a single price)."""
    variants = listing.get("variants") or []
    if variants:
        return {
            str(variant.get("platform_variant_id", "")): str(variant.get("price"))
            for variant in variants
            if variant.get("price") not in (None, "")
        }
    price = listing.get("base_price")
    return {} if price in (None, "") else {"": str(price)}


def price_changes(mapping: PlatformMapping) -> dict[str, tuple[Decimal | None, Decimal]]:
    """Variant key -> (platform's price, ours) for each variant whose price would change."""
    changes = {}
    for key, wanted in (mapping.desired_prices or {}).items():
        ours = _decimal(wanted)
        theirs = _decimal((mapping.remote_prices or {}).get(key))
        if ours is not None and ours != theirs:
            changes[key] = (theirs, ours)
    return changes


# The column holds 9 digits: a change beyond ±9,999,999.99 % is shown at that bound.
PERCENT_BOUND = Decimal("9999999.99")


def change_percent(old: Decimal | None, new: Decimal) -> Decimal | None:
    if not old:
        return None
    percent = ((new - old) / old * 100).quantize(Decimal("0.01"))
    return max(-PERCENT_BOUND, min(PERCENT_BOUND, percent))


def pending_price_changes(mapping: PlatformMapping) -> dict[str, tuple[Decimal | None, Decimal]]:
    """The price changes still to publish: those a merchandiser kept the platform's value
    for (per variant, until our price changes again) are left out."""
    ignored = (mapping.publish_ignored or {}).get("prices") or {}
    return {
        variant: change
        for variant, change in price_changes(mapping).items()
        if _decimal(ignored.get(variant)) != change[1]
    }


def title_change(mapping: PlatformMapping) -> tuple[str, str] | None:
    """(platform's title, ours) when publishing would change the title."""
    ours = (mapping.seo_title or "").strip()
    if not ours or ours == (mapping.platform_title or "").strip():
        return None
    return mapping.platform_title, ours


def pending_title_change(mapping: PlatformMapping) -> tuple[str, str] | None:
    change = title_change(mapping)
    if change is None or (mapping.publish_ignored or {}).get("title") == change[1]:
        return None
    return change


def publication_refresh(mapping: PlatformMapping) -> None:
    """Recompute what is pending and the sync status from the stored values (not saved)."""
    kinds = []
    prices = pending_price_changes(mapping)
    if prices:
        kinds.append(PublishKind.PRICE.value)
    if pending_title_change(mapping):
        kinds.append(PublishKind.TITLE.value)
    mapping.pending_kinds = kinds
    percents = [
        percent for old, new in prices.values() if (percent := change_percent(old, new)) is not None
    ]
    mapping.price_change_percent = max(percents, key=abs) if percents else None
    mapping.sync_status = _settled_status(mapping.sync_status, mapping.sync_enabled, bool(kinds))
    if mapping.sync_status == SyncStatus.SYNCED:
        mapping.sync_conflict = {}  # the values agree now: nothing left to choose between


def _settled_status(status: str, enabled: bool, pending: bool) -> str:
    """Off is disabled; nothing pending is synced (a conflict, lock or failure that no longer
    matters included); otherwise a conflict, lock, review or failure stays until the job or a
    person settles it, and anything else is pending. publication_status_settle says the same
    in SQL."""
    if not enabled:
        return SyncStatus.DISABLED
    if not pending:
        return SyncStatus.SYNCED
    if status in STICKY_STATUSES or status in (SyncStatus.ERROR, SyncStatus.REJECTED):
        return status
    return SyncStatus.PENDING


def publication_status_settle(mapping_ids: Iterable[int]) -> None:
    """After a bulk write of prices or titles: each row's status from its own committed state,
    so a conflict or lock the publish job recorded meanwhile is never overwritten by a status
    computed from an older copy of the row."""
    ids = list(mapping_ids)
    if not ids:
        return
    kept = [str(s) for s in (*STICKY_STATUSES, SyncStatus.ERROR, SyncStatus.REJECTED)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE platform_mappings SET sync_status = CASE "
            "WHEN NOT sync_enabled THEN %s "
            "WHEN cardinality(pending_kinds) = 0 THEN %s "
            "WHEN sync_status = ANY(%s) THEN sync_status ELSE %s END, "
            "sync_conflict = CASE WHEN sync_enabled AND cardinality(pending_kinds) = 0 "
            "THEN '{}'::jsonb ELSE sync_conflict END "
            "WHERE id = ANY(%s)",
            [SyncStatus.DISABLED, SyncStatus.SYNCED, kept, SyncStatus.PENDING, ids],
        )


RECORD_FIELDS = (
    "remote_prices",
    "platform_title",
    "sync_status",
    "sync_errors",
    "sync_blocked_until",
    "sync_conflict",
    "publish_ignored",
    "last_synced_at",
    "pending_kinds",
    "price_change_percent",
    "updated_at",
)


@transaction.atomic
def mapping_publication_record(
    *,
    mapping_id: int,
    status: str | None = None,
    remote_title: str | None = None,
    remote_prices: Mapping[str, Decimal] | None = None,
    errors: list[dict[str, Any]] | None = None,
    blocked_until: datetime | None = None,
    conflict: dict[str, Any] | None = None,
    read_at: datetime | None = None,
) -> PlatformMapping:
    """Record what publishing found or did on one listing, then recompute what is pending.

    `status` None lets the values decide (synced when nothing is pending); a value the
    platform showed replaces the stored one, so the next import does not see our own
    change as the seller's.
    """
    mapping = PlatformMapping.objects.select_for_update().get(pk=mapping_id)
    if remote_title is not None:
        mapping.platform_title = remote_title[:300]
    if remote_prices is not None:
        mapping.remote_prices = {**(mapping.remote_prices or {}), **prices_as_json(remote_prices)}
    if errors is not None:
        mapping.sync_errors = errors
    if conflict:
        merged = dict(mapping.sync_conflict or {})
        if "title" in conflict:
            merged["title"] = conflict["title"]
        if conflict.get("prices"):
            merged["prices"] = {**(merged.get("prices") or {}), **conflict["prices"]}
        mapping.sync_conflict = merged
    if read_at is not None:
        mapping.last_synced_at = max(read_at, mapping.last_synced_at or read_at)
    # A conflict stays until a person settles it (or the values agree); the status given is
    # the job's view of its own items; pending lets the refresh settle pending or synced.
    if mapping.sync_conflict:
        status = SyncStatus.CONFLICT
    mapping.sync_status = status or SyncStatus.PENDING
    mapping.sync_blocked_until = blocked_until if status == SyncStatus.BLOCKED else None
    publication_refresh(mapping)
    mapping.updated_at = timezone.now()
    mapping.save(update_fields=list(RECORD_FIELDS))
    return mapping


@transaction.atomic
def conflict_resolve(*, mapping: PlatformMapping, keep: str) -> PlatformMapping:
    """Settle a conflict: keep "platform" (its values stay; ours are not published until
    they change again) or "ours" (publish ours over the platform's on the next run)."""
    mapping = PlatformMapping.objects.select_for_update().get(pk=mapping.pk)
    conflict = mapping.sync_conflict or {}
    platform_title = (conflict.get("title") or {}).get("platform")
    platform_prices = {
        key: values["platform"]
        for key, values in (conflict.get("prices") or {}).items()
        if values.get("platform") not in (None, "")
    }
    # Either way the platform's values are now what we know it shows.
    if platform_title is not None:
        mapping.platform_title = platform_title
    mapping.remote_prices = {**(mapping.remote_prices or {}), **platform_prices}
    ignored = {
        "prices": dict((mapping.publish_ignored or {}).get("prices") or {}),
        "title": (mapping.publish_ignored or {}).get("title"),
    }
    if keep == "platform":
        # Ours stays unpublished for exactly these values, until they change again.
        for variant in platform_prices:
            ignored["prices"][variant] = (mapping.desired_prices or {}).get(variant)
        if platform_title is not None:
            ignored["title"] = mapping.seo_title
    elif keep == "ours":
        for variant in platform_prices:
            ignored["prices"].pop(variant, None)
        if platform_title is not None:
            ignored["title"] = None
    else:
        raise ValueError("keep is 'platform' or 'ours'")
    mapping.publish_ignored = {
        **({"prices": ignored["prices"]} if ignored["prices"] else {}),
        **({"title": ignored["title"]} if ignored["title"] else {}),
    }
    mapping.sync_conflict = {}
    mapping.sync_errors = []
    mapping.sync_status = SyncStatus.PENDING
    publication_refresh(mapping)
    mapping.updated_at = timezone.now()
    mapping.save(update_fields=list(RECORD_FIELDS))
    return mapping


@transaction.atomic
def product_price_lock(*, product_id: Any) -> None:
    """Once SyncStore has published a product's prices, imports stop moving its base and
    variant prices: a listing's price that already includes fees would otherwise come back
    as the new base price and be marked up again on every round trip."""
    product = MasterProduct.objects.select_for_update().get(pk=product_id)
    locked = set(product.locked_fields or [])
    if {"base_price", "variants"} <= locked:
        return
    product.locked_fields = sorted(locked | {"base_price", "variants"})
    product.save(update_fields=["locked_fields", "updated_at"])
