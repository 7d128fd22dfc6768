"""Writes to the master catalog that carry business rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.field_values import newlines_normalized, same_meaning
from catalog.listing_prices import mapping_prices_recalculate
from catalog.listing_seo import listing_title_rules
from catalog.matching import SkuRule, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.quality import QualityInput, assess
from catalog.selectors import sku_rules_for
from core.bulk import bulk_update_rows


def product_lock_edited_fields(
    *, product: MasterProduct, edited_fields: Iterable[str]
) -> list[str]:
    """Record the fields a merchandiser edited, so later imports leave them alone.

    Returns the product's new `locked_fields` (not saved; the caller saves the product).
    """
    lockable = set(MasterProduct.LOCKABLE_FIELDS)
    locked = set(product.locked_fields or [])
    locked |= {field for field in edited_fields if field in lockable}
    product.locked_fields = sorted(locked)
    return product.locked_fields


def product_normalize_skus(
    *, product: MasterProduct, rules: tuple[SkuRule, ...] | None = None
) -> None:
    """Recompute what matching compares: the normalized SKU and variant SKUs."""
    rules = sku_rules_for(product.organization_id) if rules is None else rules
    product.sku_normalized = normalize_sku(product.sku, rules)
    product.variant_skus = sorted(
        {
            normalize_sku(str(v.get("sku", "")), rules)
            for v in product.variants or []
            if isinstance(v, dict) and v.get("sku")
        }
    )


def product_changed_fields(*, product: MasterProduct, fields: Iterable[str]) -> list[str]:
    """Of `fields`, those whose meaning differs from the stored product.

    Forms and API clients send every field they show, typed their own way (a textarea's
    `\r\n`, `99000.0` for `99000.00`): a field counts as edited only when its normalized value
    changed (`catalog.field_values`), or imports would stop updating text nobody touched.
    """
    names = list(dict.fromkeys(fields))
    comparable_names = [name for name in names if name in MasterProduct.LOCKABLE_FIELDS]
    stored = None
    if product.pk is not None and comparable_names:
        stored = MasterProduct.objects.filter(pk=product.pk).values(*comparable_names).first()
    if stored is None:  # a new product: everything given is new
        return names
    return [
        name
        for name in names
        if name not in stored or not same_meaning(name, stored[name], getattr(product, name))
    ]


def _text_newlines_normalized(product: MasterProduct) -> None:
    # One newline style in what is stored, whoever sent the text (a browser sends \r\n).
    for field in MasterProduct._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(product, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(product, field.attname, newlines_normalized(value))


@transaction.atomic
def product_save_edit(
    *, product: MasterProduct, edited_fields: Iterable[str], lock: bool = True
) -> MasterProduct:
    """Save a merchandiser's edit: validate, lock the fields whose value really changed,
    write."""
    edited = list(edited_fields)
    _text_newlines_normalized(product)
    if lock and "locked_fields" not in edited:
        changed = product_changed_fields(product=product, fields=edited)
        product_lock_edited_fields(product=product, edited_fields=changed)
    product_normalize_skus(product=product)
    product.full_clean()
    product.save()
    quality_refresh(products=MasterProduct.objects.filter(pk=product.pk))
    # Its listings' prices follow the product's (and with them what is pending publication).
    mapping_prices_recalculate(mappings=product.mappings.all())
    return product


def sku_rules_apply(*, organization_id: int) -> int:
    """Re-normalize every product's SKUs after the organization's rules changed."""
    rules = sku_rules_for(organization_id)
    changed = []
    products = MasterProduct.objects.filter(organization_id=organization_id).only(
        "id", "organization_id", "sku", "variants", "sku_normalized", "variant_skus"
    )
    for product in products.iterator(chunk_size=2000):
        before = (product.sku_normalized, list(product.variant_skus))
        product_normalize_skus(product=product, rules=rules)
        if before != (product.sku_normalized, product.variant_skus):
            changed.append(product)
    bulk_update_rows(MasterProduct, changed, ["sku_normalized", "variant_skus"])
    return len(changed)


# --- reviewing matches -------------------------------------------------------------------------
class MappingNotConfirmable(ValueError):
    """A listing with no suggested match to confirm (see `mapping_confirm_refusal`)."""


def mapping_confirm_refusal(mapping: PlatformMapping) -> str | None:
    """Why `mapping` cannot be confirmed, or None when it can: the one rule the admin page,
    the admin's bulk confirm and the API share.

    A listing matching kept apart sits on a product of its own: "confirmed" would only hide
    it from the queue while it stays apart, so the caller is told to relink or split instead.
    """
    if not mapping_decided_alone(mapping):
        return None
    if mapping_kept_apart_for_sku(mapping):
        return _(
            "Its SKU is also on another product, so there is no match to confirm: link it to "
            "that product (relink) or keep it apart (reject or split)."
        )
    return _(
        "This listing is on a product of its own, so there is no match to confirm: link it to "
        "another product (relink) instead."
    )


def mapping_confirm(*, mapping: PlatformMapping) -> PlatformMapping:
    """A person agrees with the suggested match; raises MappingNotConfirmable when there is
    none (a listing kept apart on a product of its own)."""
    refusal = mapping_confirm_refusal(mapping)
    if refusal is not None:
        raise MappingNotConfirmable(refusal)
    mapping.review_status = PlatformMapping.ReviewStatus.CONFIRMED
    mapping.save(update_fields=["review_status", "updated_at"])
    return mapping


def mappings_confirm_above(*, mappings: QuerySet[PlatformMapping], confidence: Decimal) -> int:
    """Confirm every suggestion at or above `confidence`; returns how many."""
    # mapping_confirm_refusal in SQL: a listing kept apart on a product of its own (match
    # method "new") has no match to confirm.
    return (
        mappings.filter(
            review_status=PlatformMapping.ReviewStatus.NEEDS_REVIEW,
            match_confidence__gte=confidence,
        )
        .exclude(match_method=PlatformMapping.MatchMethod.NEW)
        .update(review_status=PlatformMapping.ReviewStatus.CONFIRMED, updated_at=timezone.now())
    )


def mapping_decided_alone(mapping: PlatformMapping) -> bool:
    """A listing matching kept apart on a product of its own (its SKU is also on another
    product): nothing to confirm in bulk; a person compares the two on its page and keeps it
    apart or links it."""
    return mapping.match_method == PlatformMapping.MatchMethod.NEW


def mapping_kept_apart_for_sku(mapping: PlatformMapping) -> bool:
    """Kept apart because its SKU is also on another product (a duplicate, or another size
    under one SKU), as opposed to a listing that simply has a product of its own."""
    return mapping_decided_alone(mapping) and (
        mapping.review_reason
        in (PlatformMapping.ReviewReason.DUPLICATE_SKU, PlatformMapping.ReviewReason.SKU_CONFLICT)
        or mapping.review_status == PlatformMapping.ReviewStatus.NEEDS_REVIEW
    )


def mappings_split_for_bulk_confirm(
    mappings: Iterable[PlatformMapping],
) -> tuple[list[PlatformMapping], list[PlatformMapping]]:
    """(the suggestions bulk confirm may take, the listings kept apart it must leave)."""
    confirmable, kept_apart = [], []
    for mapping in mappings:
        refused = mapping_confirm_refusal(mapping) is not None
        (kept_apart if refused else confirmable).append(mapping)
    return confirmable, kept_apart


@transaction.atomic
def mapping_reject(*, mapping: PlatformMapping) -> MasterProduct:
    """Not the same product: the listing gets a master product of its own."""
    from catalog.listings import mapping_split

    master = mapping_split(mapping=mapping)
    # The listing's own score depends on the product it now belongs to.
    quality_refresh(products=MasterProduct.objects.filter(pk=master.pk))
    return master


def mapping_split_off(*, mapping: PlatformMapping) -> MasterProduct:
    """Undo a link: the listing gets a product of its own (a listing alone on its product is
    left as it is). A person decided, so imports and re-matching keep it apart."""
    if not mapping.master_product.mappings.exclude(pk=mapping.pk).exists():
        return mapping.master_product
    return mapping_reject(mapping=mapping)


def product_left_behind(product_id: uuid.UUID) -> None:
    """A listing moved off the product: its time moves too (the API's nested listings
    changed, and title matching asks only about products written since it last asked)."""
    MasterProduct.objects.filter(pk=product_id).update(updated_at=timezone.now())


@transaction.atomic
def mapping_relink(*, mapping: PlatformMapping, master_product: MasterProduct) -> PlatformMapping:
    """Link the listing to another master product of the same organization, by hand."""
    if master_product.organization_id != mapping.organization_id:
        raise ValueError(_("A listing can only be linked to a product of its own organization."))
    if master_product.mappings.filter(platform=mapping.platform).exclude(pk=mapping.pk).exists():
        raise ValueError(
            _("%(sku)s already has a %(platform)s listing.")
            % {"sku": master_product.sku, "platform": mapping.get_platform_display()}
        )
    old_master = mapping.master_product
    mapping.master_product = master_product
    mapping.match_method = PlatformMapping.MatchMethod.MANUAL
    mapping.match_confidence = None
    mapping.review_status = PlatformMapping.ReviewStatus.CONFIRMED
    mapping.is_source = not master_product.mappings.filter(is_source=True).exists()
    mapping.save(
        update_fields=[
            "master_product",
            "match_method",
            "match_confidence",
            "review_status",
            "is_source",
            "updated_at",
        ]
    )
    if old_master.pk != master_product.pk:
        product_left_behind(old_master.pk)
    if old_master.pk != master_product.pk and not old_master.mappings.exists():
        # The product existed only for this listing: archive it rather than delete history.
        products_set_status(
            products=MasterProduct.objects.filter(pk=old_master.pk),
            status=MasterProduct.Status.ARCHIVED,
        )
    return mapping


def products_set_status(*, products: QuerySet[MasterProduct], status: str) -> list[str]:
    """Move products to `status`; returns the ids that actually changed.

    Status is a merchandiser decision, so it is locked against imports as well.
    """
    if status not in MasterProduct.Status.values:
        raise ValueError(f"unknown product status {status!r}")
    with transaction.atomic():
        changing = list(
            products.exclude(status=status)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "locked_fields")
        )
        now = timezone.now()
        to_update = []
        for pk, locked in changing:
            locked_fields = sorted(set(locked or []) | {"status"})
            to_update.append(
                MasterProduct(pk=pk, status=status, locked_fields=locked_fields, updated_at=now)
            )
        MasterProduct.objects.bulk_update(
            to_update, ["status", "locked_fields", "updated_at"], batch_size=1000
        )
    return [str(pk) for pk, _ in changing]


# --- listing quality ---------------------------------------------------------------------------
def _quality_for_product(product: MasterProduct) -> QualityInput:
    return QualityInput(
        platform="any",
        title=product.name,
        brand=product.brand,
        description=product.full_description or product.short_description,
        image_count=len(product.images or []),
        attributes={"brand": product.brand, "category": product.subcategory},
        category=product.category,
        weight_kg=product.weight_kg,
        dimensions=(product.length_cm, product.width_cm, product.height_cm),
        price=product.base_price,
        has_variants=bool(product.variants),
    )


def _quality_for_listing(mapping: PlatformMapping, product: MasterProduct) -> QualityInput:
    listing = (mapping.platform_data or {}).get("listing") or {}
    return QualityInput(
        platform=mapping.platform,
        title=mapping.platform_title or product.name,
        brand=product.brand,
        description=listing.get("full_description") or product.full_description,
        image_count=len(listing.get("images") or product.images or []),
        attributes=listing.get("attributes") or {},
        category=listing.get("category") or "",
        weight_kg=product.weight_kg,
        dimensions=(product.length_cm, product.width_cm, product.height_cm),
        price=mapping.platform_price or product.base_price,
        has_variants=bool(listing.get("variants") or product.variants),
        sku_note=(mapping.platform_data or {}).get("sku_note"),
        # The shop's own limit when the import stored one, as the SEO title is held to.
        title_max_length=listing_title_rules(mapping).max_length,
    )


def product_quality_assess(product: MasterProduct) -> None:
    """Score the product with the rubric (in memory, not saved)."""
    result = assess(_quality_for_product(product))
    product.quality_score, product.quality_issues = result.score, result.findings


def listing_quality_assess(mapping: PlatformMapping, product: MasterProduct) -> None:
    """Score one listing of the product with the rubric (in memory, not saved)."""
    result = assess(_quality_for_listing(mapping, product))
    mapping.quality_score, mapping.quality_issues = result.score, result.findings


def quality_refresh(*, products: QuerySet[MasterProduct]) -> int:
    """Score products and their listings with the rubric; returns how many products."""
    changed_products, changed_mappings = [], []
    for product in products.prefetch_related("mappings").order_by("pk").iterator(chunk_size=500):
        product_quality_assess(product)
        changed_products.append(product)
        for mapping in product.mappings.all():
            listing_quality_assess(mapping, product)
            changed_mappings.append(mapping)
    bulk_update_rows(MasterProduct, changed_products, ["quality_score", "quality_issues"])
    bulk_update_rows(PlatformMapping, changed_mappings, ["quality_score", "quality_issues"])
    return len(changed_products)


@transaction.atomic
def products_with_listings_create(
    *, products: list[MasterProduct], mappings: list[PlatformMapping]
) -> int:
    """Store new products and their listings as given, already matched (the demo catalog)."""
    MasterProduct.objects.bulk_create(products, batch_size=500)
    PlatformMapping.objects.bulk_create(mappings, batch_size=500)
    return len(products)
