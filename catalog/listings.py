"""Listings and master products: the values that flow between them, and splitting a match."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from catalog.listing_contract import ListingRecord
from catalog.matching import SkuRule, generated_sku, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.selectors import sku_rules_for
from catalog.services import product_left_behind, product_normalize_skus, product_quality_assess
from catalog.signals import listing_moved

LISTING_TO_MASTER_STATUS = {"active": "active", "deleted": "archived"}


@dataclass
class PopulateReport:
    processed: int = 0
    created: int = 0
    updated: int = 0
    linked: int = 0  # by SKU
    title_linked: int = 0  # by a confident, unique title match
    suggested: int = 0  # title matches waiting for review
    unchanged: int = 0
    invalid: int = 0
    skipped: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # the first few, for reports
    # SKUs not used to match because many listings of a shop share them (the run so far)
    placeholder_skus: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: PopulateReport) -> None:
        for counter in fields(self):
            if counter.type in ("int", int):
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )
        self.errors = (self.errors + other.errors)[:50]
        self.placeholder_skus = other.placeholder_skus or self.placeholder_skus

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def json_ready(record: ListingRecord) -> dict[str, Any]:
    """The listing's normalized values, as stored in platform_data["listing"]."""
    values = {}
    for name, value in record.values.items():
        if name in ("category_pair",):
            continue
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    return values


def master_values(record: ListingRecord) -> dict[str, Any]:
    variants = [
        {k: v for k, v in variant.items() if k != "platform_variant_id"}
        for variant in record.get("variants") or []
    ]
    return {
        "name": record["name"][:255],
        "short_description": record.get("short_description") or "",
        "full_description": record.get("full_description") or "",
        "brand": (record.get("brand") or "")[:120],
        "base_price": record["base_price"],
        "weight_kg": record.get("weight_kg"),
        "length_cm": record.get("length_cm"),
        "width_cm": record.get("width_cm"),
        "height_cm": record.get("height_cm"),
        "category": (record.get("category") or "")[:255],
        "subcategory": (record.get("subcategory") or "")[:255],
        "images": record.get("images") or [],
        "variants": variants,
        "status": LISTING_TO_MASTER_STATUS.get(record.get("listing_status"), "inactive"),
    }


def listing_from_platform_data(platform: str, data: dict[str, Any]) -> ListingRecord:
    """The listing record a mapping was last imported with (from platform_data["listing"])."""
    values = dict(data.get("listing") or {})
    for name in ("base_price", "weight_kg", "length_cm", "width_cm", "height_cm"):
        if values.get(name) not in (None, ""):
            values[name] = Decimal(str(values[name]))
    values.setdefault("name", "")
    values.setdefault("base_price", Decimal("0"))
    return ListingRecord(platform, values)


def _own_product(
    mapping: PlatformMapping, rules: tuple[SkuRule, ...] | None, sku_usable: bool = True
) -> MasterProduct:
    rules = sku_rules_for(mapping.organization_id) if rules is None else rules
    record = listing_from_platform_data(mapping.platform, mapping.platform_data)
    generated = generated_sku(mapping.platform, mapping.platform_product_id)
    base = (record.get("sku") if sku_usable else "") or generated
    candidates = [base[:100], f"{base}-{mapping.platform_product_id}"[:100], generated]
    taken = set(
        MasterProduct.objects.filter(
            organization_id=mapping.organization_id, sku__in=candidates
        ).values_list("sku", flat=True)
    )
    sku = next((c for c in candidates if c not in taken), f"{generated}-{uuid.uuid4().hex[:8]}")
    master = MasterProduct(
        organization_id=mapping.organization_id,
        sku=sku[:100],
        sku_normalized=normalize_sku(sku, rules),
        **master_values(record),
    )
    product_normalize_skus(product=master, rules=rules)
    # Scored like every other new product: the admin and the API show no empty score.
    product_quality_assess(master)
    master.save()
    return master


REPOINT_FIELDS = (
    "master_product",
    "match_method",
    "match_confidence",
    "review_status",
    "review_reason",
    "match_candidates",
    "is_source",
    "variant_links",
    "updated_at",
)


def listing_repoint(
    *,
    mapping: PlatformMapping,
    master: MasterProduct,
    method: str,
    confidence: Decimal | None,
    review_status: str,
    review_reason: str = "",
    candidates: list[dict[str, Any]] | None = None,
    is_source: bool = False,
) -> None:
    """Put a listing on `master`, saying how it got there; its raw records follow."""
    left = mapping.master_product_id
    mapping.master_product = master
    mapping.match_method = method
    mapping.match_confidence = confidence
    mapping.review_status = review_status
    mapping.review_reason = review_reason
    mapping.match_candidates = candidates or []
    mapping.is_source = is_source
    mapping.variant_links = []
    mapping.save(update_fields=list(REPOINT_FIELDS))
    if left != master.pk:
        product_left_behind(left)
    listing_moved.send(
        sender=PlatformMapping,
        organization_id=mapping.organization_id,
        platform=mapping.platform,
        platform_product_id=mapping.platform_product_id,
        master_product_id=master.pk,
    )


@transaction.atomic
def mapping_split(
    *,
    mapping: PlatformMapping,
    rules: tuple[SkuRule, ...] | None = None,
    review_status: str = PlatformMapping.ReviewStatus.REJECTED,
    sku_usable: bool | None = None,
) -> MasterProduct:
    """Give a listing its own new master product (a rejected, displaced or undone match).

    `review_status` says who decided: a person (rejected) or matching itself (auto);
    `sku_usable` False gives the new product a generated SKU (the listing's is a placeholder;
    by default, when matching noted so on the listing).
    """
    if sku_usable is None:
        sku_usable = not (mapping.platform_data or {}).get("sku_note")
    if (
        mapping.match_method == PlatformMapping.MatchMethod.NEW
        and not mapping.master_product.mappings.exclude(pk=mapping.pk).exists()
    ):
        # The importer made this product for the listing (a duplicate SKU kept apart).
        master = mapping.master_product
    else:
        master = _own_product(mapping, rules, sku_usable)
    listing_repoint(
        mapping=mapping,
        master=master,
        method=PlatformMapping.MatchMethod.NEW,
        confidence=None,
        review_status=review_status,
        is_source=True,
    )
    return master


def mappings_seen_record(organization_id: int, seen: list[tuple[str, str, Any, str]]) -> None:
    """An import read these listings and left their mappings as they were (unchanged, or an
    invalid payload): (platform, platform product id, when, shop).

    Only `last_synced_at` moves (never backwards), and a shop id missing on an older mapping
    is filled; the rest of the row, `updated_at` included, stays as it was.
    """
    if not seen:
        return
    platforms, ids, times, shops = (list(column) for column in zip(*seen, strict=True))
    table = PlatformMapping._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET last_synced_at = v.seen_at, "  # noqa: S608 - our table
            "platform_shop_id = CASE WHEN m.platform_shop_id = '' THEN v.shop "
            "ELSE m.platform_shop_id END "
            "FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::text[]) "
            "AS v(platform, product_id, seen_at, shop) "
            "WHERE m.organization_id = %s AND m.platform = v.platform "
            "AND m.platform_product_id = v.product_id "
            "AND (m.last_synced_at IS NULL OR m.last_synced_at < v.seen_at)",
            [platforms, ids, times, shops, organization_id],
        )
