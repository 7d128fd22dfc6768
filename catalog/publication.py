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

from django.db import transaction
from django.utils import timezone

from catalog.choices import PublishKind, SyncStatus
from catalog.models import MasterProduct, PlatformMapping

PUBLICATION_FIELDS = ("desired_prices", "pending_kinds", "price_change_percent", "sync_status")

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


def change_percent(old: Decimal | None, new: Decimal) -> Decimal | None:
    if not old:
        return None
    return ((new - old) / old * 100).quantize(Decimal("0.01"))


def title_change(mapping: PlatformMapping) -> tuple[str, str] | None:
    """(platform's title, ours) when publishing would change the title."""
    ours = (mapping.seo_title or "").strip()
    if not ours or ours == (mapping.platform_title or "").strip():
        return None
    return mapping.platform_title, ours


def publication_refresh(mapping: PlatformMapping) -> None:
    """Recompute what is pending and the sync status from the stored values (not saved)."""
    ignored = mapping.publish_ignored or {}
    kinds = []
    prices = price_changes(mapping)
    if prices and ignored.get("prices") != mapping.desired_prices:
        kinds.append(PublishKind.PRICE.value)
    title = title_change(mapping)
    if title and ignored.get("title") != title[1]:
        kinds.append(PublishKind.TITLE.value)
    mapping.pending_kinds = kinds
    percents = [
        percent for old, new in prices.values() if (percent := change_percent(old, new)) is not None
    ]
    mapping.price_change_percent = max(percents, key=abs) if percents else None
    if not mapping.sync_enabled:
        mapping.sync_status = SyncStatus.DISABLED
    elif mapping.sync_status in STICKY_STATUSES:
        return
    elif not kinds:
        mapping.sync_status = SyncStatus.SYNCED
    elif mapping.sync_status not in (SyncStatus.ERROR, SyncStatus.REJECTED):
        # A failure stays visible until the next attempt.
        mapping.sync_status = SyncStatus.PENDING


def publication_refresh_all(mappings: Iterable[PlatformMapping]) -> list[PlatformMapping]:
    refreshed = []
    for mapping in mappings:
        publication_refresh(mapping)
        refreshed.append(mapping)
    return refreshed


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
    mapping.sync_blocked_until = blocked_until
    if conflict is not None:
        mapping.sync_conflict = conflict
    if read_at is not None:
        mapping.last_synced_at = max(read_at, mapping.last_synced_at or read_at)
    # Pending lets the refresh settle pending or synced; a sticky status given stays.
    mapping.sync_status = status or SyncStatus.PENDING
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
    if keep == "platform":
        mapping.publish_ignored = {
            **({"prices": mapping.desired_prices} if platform_prices else {}),
            **({"title": mapping.seo_title} if platform_title is not None else {}),
            **{
                kind: value
                for kind, value in (mapping.publish_ignored or {}).items()
                if kind not in ("prices", "title")
                or (kind == "prices" and not platform_prices)
                or (kind == "title" and platform_title is None)
            },
        }
    elif keep == "ours":
        mapping.publish_ignored = {}
    else:
        raise ValueError("keep is 'platform' or 'ours'")
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


def blocked_due(now: datetime | None = None) -> Iterable[PlatformMapping]:
    """Blocked listings whose lock has ended (the job sets a re-check time when the
    platform does not say when it ends): to try again."""
    now = now or timezone.now()
    return PlatformMapping.objects.filter(
        sync_status=SyncStatus.BLOCKED, sync_blocked_until__lte=now
    )
