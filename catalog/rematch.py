"""Re-matching a catalog that was built before matching knew real catalogs.

Three passes, in one transaction (a dry run rolls it back and keeps only the report):

1. SKU evidence: listings linked on a SKU that turns out to be a placeholder are split off
   again; "duplicate SKU" reviews of a placeholder leave the queue; products whose SKU is a
   listing's placeholder get a generated one. Every listing keeps why its SKU is not used.
2. Title links nobody confirmed are scored again: one that now conflicts (another size,
   count or model) is split off.
3. Listings alone on their product are matched by title against the rest of the catalog,
   as an import would: confident, unique matches move onto the product (the product made
   for the listing alone goes), the others go to review with their candidates.

A person's decisions (confirmed, rejected, relinked by hand) are never undone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from catalog.build_lock import organization_build_lock
from catalog.enrich import ENRICHED_MAPPING_FIELDS, ListingEnricher
from catalog.listing_seo import keyword_statistics
from catalog.listings import listing_from_platform_data, listing_repoint, mapping_split
from catalog.matching import SUGGEST_THRESHOLD, generated_sku, match_confidence, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.publication import publication_status_settle
from catalog.selectors import sku_rules_for
from catalog.services import quality_refresh
from catalog.shop_skus import ShopSkus
from catalog.title_matching import TitleDecision, TitleKeys, TitleListing, title_decisions
from catalog.titles import compare_titles, title_key
from core.bulk import bulk_update_rows
from core.platforms import Platform

Review = PlatformMapping.ReviewStatus
Method = PlatformMapping.MatchMethod
NEEDS_REVIEW = Review.NEEDS_REVIEW
UNDECIDED = (Review.AUTO, NEEDS_REVIEW)  # the rest are a person's decisions
BATCH = 500
ACTIONS_KEPT_PER_KIND = 100
KINDS = ("link", "review", "split", "unqueue", "sku")  # the order a report lists them in
CONFIDENCE = gettext_noop("confidence %(percent)s%%")
ANOTHER_SIZE = gettext_noop("another size or model: %(difference)s")
WAS_SKU = gettext_noop("was %(old)s")
# TikTok listings move onto Shopee-made products first, as imports (Shopee first) would link.
MOVE_ORDER = (Platform.TIKTOKSHOP, Platform.SHOPEE)


@dataclass
class RematchReport:
    dry_run: bool
    linked: int = 0  # listings moved onto a matching product
    reviews: int = 0  # listings moved for review
    split: int = 0  # links undone
    unqueued: int = 0  # "duplicate SKU" reviews of a placeholder, out of the queue
    sku_changed: int = 0  # products whose placeholder SKU was replaced
    products_removed: int = 0  # products that existed only for a listing now linked
    actions: list[dict[str, Any]] = field(default_factory=list)  # the first few of each kind
    _kept: Counter = field(default_factory=Counter, repr=False)

    def note(
        self,
        action: str,
        mapping: PlatformMapping,
        why: str,
        params: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        """One change, with why as an English template and its values (shown translated)."""
        self._kept[action] += 1
        if self._kept[action] <= ACTIONS_KEPT_PER_KIND:
            self.actions.append(
                {
                    "action": action,
                    "listing": f"{mapping.get_platform_display()} {mapping.platform_product_id}",
                    "title": mapping.platform_title[:120],
                    "why": why,
                    "params": params or {},
                    "detail": why % (params or {}),
                    **extra,
                }
            )

    @property
    def changes(self) -> int:
        return self.linked + self.reviews + self.split + self.unqueued + self.sku_changed

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


def catalog_rematch(*, organization_id: int, dry_run: bool = True) -> RematchReport:
    """Repair an organization's matches (see the module docstring); returns what changed,
    or with `dry_run` what would."""
    report = RematchReport(dry_run=dry_run)
    with transaction.atomic():
        organization_build_lock(organization_id)  # imports of this organization wait meanwhile
        rematch = _Rematch(organization_id, report)
        rematch.sku_evidence()
        rematch.title_links()
        rematch.singles()
        rematch.finish()
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Rematch:
    def __init__(self, organization_id: int, report: RematchReport) -> None:
        self.organization_id = organization_id
        self.report = report
        self.rules = sku_rules_for(organization_id)
        self.skus = ShopSkus(organization_id, self.rules)
        self.keys = TitleKeys()
        self.touched: set[Any] = set()  # products to score again
        self.moved: list[PlatformMapping] = []  # listings on another product: price, SEO
        self.now = timezone.now()

    def _mappings(self):
        return PlatformMapping.objects.filter(organization_id=self.organization_id)

    # --- 1. SKU evidence ----------------------------------------------------------------------
    def sku_evidence(self) -> None:
        notes = []
        rows = self._mappings().select_related("master_product").order_by("pk")
        for mapping in rows.iterator(chunk_size=2000):
            normalized = normalize_sku(mapping.platform_sku, self.rules)
            verdict = self.skus.verdict(
                mapping.platform,
                mapping.platform_shop_id,
                mapping.platform_sku,
                normalized,
                mapping.platform_product_id,
            )
            data = mapping.platform_data or {}
            if data.get("sku_note") != verdict.note():
                data = {k: v for k, v in data.items() if k != "sku_note"}
                if verdict.note():
                    data["sku_note"] = verdict.note()
                mapping.platform_data = data
                notes.append(mapping)
                self.touched.add(mapping.master_product_id)
            if verdict.usable:
                continue
            if mapping.match_method == Method.SKU and mapping.review_status in UNDECIDED:
                product = mapping.master_product
                mapping_split(
                    mapping=mapping, rules=self.rules, review_status=Review.AUTO, sku_usable=False
                )
                self.report.split += 1
                self.report.note(
                    "split", mapping, verdict.template(), verdict.params(), product=product.sku
                )
            elif (
                mapping.match_method == Method.NEW and mapping.review_status == Review.NEEDS_REVIEW
            ):
                mapping.review_status = Review.AUTO
                mapping.review_reason = PlatformMapping.ReviewReason.NONE
                mapping.match_candidates = []
                mapping.save(
                    update_fields=[
                        "review_status",
                        "review_reason",
                        "match_candidates",
                        "updated_at",
                    ]
                )
                self.report.unqueued += 1
                self.report.note("unqueue", mapping, verdict.template(), verdict.params())
            if mapping.is_source:
                self._replace_placeholder_sku(mapping, normalized)
        bulk_update_rows(PlatformMapping, notes, ["platform_data"])

    def _replace_placeholder_sku(self, mapping: PlatformMapping, normalized: str) -> None:
        product = MasterProduct.objects.get(pk=mapping.master_product_id)
        own = normalize_sku(f"{mapping.platform_sku}-{mapping.platform_product_id}", self.rules)
        if product.sku_normalized not in (normalized, own) or not product.sku_normalized:
            return  # the product's SKU is not the placeholder (a person may have set it)
        sku = generated_sku(mapping.platform, mapping.platform_product_id)
        taken = MasterProduct.objects.filter(organization_id=self.organization_id, sku=sku)
        if taken.exclude(pk=product.pk).exists():
            sku = f"{sku}-{str(product.pk)[:8]}"
        self.report.sku_changed += 1
        self.report.note("sku", mapping, WAS_SKU, {"old": product.sku}, product=sku)
        product.sku = sku
        product.sku_normalized = normalize_sku(sku, self.rules)
        product.save(update_fields=["sku", "sku_normalized", "updated_at"])

    # --- 2. title links nobody confirmed ------------------------------------------------------
    def title_links(self) -> None:
        rows = (
            self._mappings()
            .filter(match_method=Method.SIMILARITY, review_status__in=UNDECIDED)
            .select_related("master_product")
            .order_by("pk")
        )
        for mapping in list(rows):
            product = mapping.master_product
            listing = listing_from_platform_data(mapping.platform, mapping.platform_data)
            comparison = compare_titles(title_key(product.name), title_key(mapping.platform_title))
            confidence = match_confidence(
                title=comparison,
                price_a=product.base_price,
                price_b=listing.get("base_price"),
                weight_a=product.weight_kg,
                weight_b=listing.get("weight_kg"),
            )
            if confidence >= SUGGEST_THRESHOLD:
                continue
            mapping_split(mapping=mapping, rules=self.rules, review_status=Review.AUTO)
            self.touched.add(product.pk)
            self.report.split += 1
            if comparison.conflict:
                why, params = ANOTHER_SIZE, {"difference": comparison.conflict}
            else:
                why, params = CONFIDENCE, {"percent": f"{confidence * 100:.0f}"}
            self.report.note("split", mapping, why, params, product=product.sku)

    # --- 3. listings alone on their product ---------------------------------------------------
    def singles(self) -> None:
        frequency, documents = keyword_statistics(organization_id=self.organization_id)
        for platform in MOVE_ORDER:
            self._singles_of(platform, frequency, documents)

    def _singles_of(self, platform: str, frequency, documents: int) -> None:
        alone = (
            self._mappings()
            .filter(platform=platform, match_method=Method.NEW, review_status=Review.AUTO)
            .annotate(listings=Count("master_product__mappings"))
            .filter(listings=1)
            .select_related("master_product")
            .order_by("pk")
        )
        last = 0
        while True:
            batch = list(alone.filter(pk__gt=last)[:BATCH])
            if not batch:
                return
            last = batch[-1].pk
            by_shop: dict[str, list[PlatformMapping]] = {}
            for mapping in batch:
                by_shop.setdefault(mapping.platform_shop_id, []).append(mapping)
            for shop, mappings in by_shop.items():
                decisions = title_decisions(
                    organization_id=self.organization_id,
                    platform=platform,
                    shop_id=shop,
                    listings=[self._title_listing(m) for m in mappings],
                    frequency=frequency,
                    documents=documents,
                    keys=self.keys,
                )
                for position, decision in sorted(decisions.items()):
                    self._move(mappings[position], decision)

    @staticmethod
    def _title_listing(mapping: PlatformMapping) -> TitleListing:
        listing = listing_from_platform_data(mapping.platform, mapping.platform_data)
        return TitleListing(
            name=mapping.platform_title or listing["name"],
            price=listing.get("base_price") or None,
            weight_kg=listing.get("weight_kg"),
            brand=listing.get("brand") or "",
        )

    def _move(self, mapping: PlatformMapping, decision: TitleDecision) -> None:
        own, target = mapping.master_product, decision.master
        assert target is not None
        listing_repoint(
            mapping=mapping,
            master=target,
            method=Method.SIMILARITY,
            confidence=decision.confidence,
            review_status=Review.AUTO if decision.auto else Review.NEEDS_REVIEW,
            review_reason="" if decision.auto else decision.reason,
            candidates=decision.candidates_json(),
        )
        if own.locked_fields:  # a merchandiser worked on it: keep it, out of the way
            own.status = MasterProduct.Status.ARCHIVED
            own.save(update_fields=["status", "updated_at"])
            self.touched.add(own.pk)
        else:
            own.delete()
            self.report.products_removed += 1
        self.touched.add(target.pk)
        self.moved.append(mapping)
        kind = "link" if decision.auto else "review"
        if decision.auto:
            self.report.linked += 1
        else:
            self.report.reviews += 1
        self.report.note(
            kind,
            mapping,
            CONFIDENCE,
            {"percent": f"{Decimal(decision.confidence or 0) * 100:.0f}"},
            product=target.sku,
            product_name=target.name[:120],
        )

    # --- the products and listings that changed -----------------------------------------------
    def finish(self) -> None:
        if self.moved:
            enricher = ListingEnricher()
            enricher.enrich(new_products=[], mappings=self.moved, now=self.now)
            bulk_update_rows(PlatformMapping, self.moved, list(ENRICHED_MAPPING_FIELDS))
            publication_status_settle(m.pk for m in self.moved)
        if self.touched:
            quality_refresh(products=MasterProduct.objects.filter(pk__in=self.touched))
