"""New listings of a batch: SKU evidence first, then titles, else a new master product.

A SKU links two listings only when it can identify a product: not empty, not a placeholder
(`1`, `-`, `n/a`, the listing's own id, ...), and not shared by many listings of the shop
(`catalog.shop_skus`). Those that cannot are matched by title (`catalog.title_matching`).
Genuine duplicates (a real-looking SKU on two or three listings) stay apart for review.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from catalog.candidates import products_with_variant_skus
from catalog.listing_contract import Issue, ListingRecord
from catalog.listings import listing_repoint, master_values
from catalog.matching import SkuVerdict, generated_sku, match_confidence, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.title_matching import Candidate, TitleDecision, TitleListing, title_decisions
from catalog.titles import compare_titles, title_key
from core.bulk import NewInstances
from core.platforms import Platform

Review = PlatformMapping.ReviewStatus
Reason = PlatformMapping.ReviewReason
# What matching reads of a candidate product's listings: not their JSON columns, whose
# decoding was most of reading them.
MATCHING_MAPPING_FIELDS = (
    "id",
    "master_product_id",
    "platform",
    "platform_product_id",
    "match_method",
    "review_status",
)


def _candidate_mappings() -> Prefetch:
    return Prefetch("mappings", PlatformMapping.objects.only(*MATCHING_MAPPING_FIELDS))


def rival_confidence(rival: MasterProduct, record: dict[str, Any]) -> Decimal:
    """How well a listing's record matches the product its SKU is already on."""
    return match_confidence(
        title=compare_titles(title_key(rival.name), title_key(record["name"])),
        price_a=rival.base_price,
        price_b=record["base_price"],
        weight_a=rival.weight_kg,
        weight_b=record.get("weight_kg"),
    )


class NewListingMatching:
    """The matching half of `catalog.populate.BatchBuilder` (which provides the state)."""

    session: Any
    organization_id: int
    rules: tuple
    report: Any
    taken_skus: dict[str, MasterProduct]
    new_platforms: dict[Any, set[str]]
    displaced: list[PlatformMapping]
    verdicts: dict[str, SkuVerdict]
    usable_variant_skus: dict[str, list[str]]
    usable_skus: dict[str, str]  # normalized -> as the listing has it, for this batch
    make_master: NewInstances
    make_mapping: NewInstances

    # --- SKU evidence -----------------------------------------------------------------------
    def _usable_skus(self, platform: str, shop: str, items: list) -> dict[str, tuple[str, list]]:
        """Per listing: its normalized SKU if it identifies the product, and its variants'."""
        skus = self.session.shop_skus
        normalized = {}
        for _raw, record in items:
            product_id = record["platform_product_id"]
            variants = [v.get("sku", "") for v in record.get("variants") or [] if v.get("sku")]
            normalized[product_id] = (
                record.get("sku") or "",
                normalize_sku(record.get("sku"), self.rules),
                {v: normalize_sku(v, self.rules) for v in variants},
            )
        skus.observe(
            platform,
            shop,
            ({sku, *variants.values()} for _raw_sku, sku, variants in normalized.values()),
        )
        usable = {}
        for product_id, (raw_sku, sku, variants) in normalized.items():
            verdict = skus.verdict(platform, shop, raw_sku, sku, product_id)
            self.verdicts[product_id] = verdict
            usable_variants = sorted(
                {
                    v
                    for raw, v in variants.items()
                    if skus.verdict(platform, shop, raw, v, product_id).usable
                }
            )
            usable[product_id] = (sku if verdict.usable else "", usable_variants)
            if verdict.usable and sku:
                self.usable_skus[sku] = raw_sku
            self.usable_variant_skus[product_id] = usable_variants
        return usable

    # --- new listings: SKU, then title, else a new product ----------------------------------
    def _match_new(self, platform: str, shop: str, items: list) -> None:
        usable = self._usable_skus(platform, shop, items)
        wanted = {sku for sku, _ in usable.values() if sku}
        wanted_variants = {sku for _, skus in usable.values() for sku in skus}
        # Two queries, not one with OR: each then uses its own index (btree, GIN).
        products = MasterProduct.objects.filter(organization_id=self.organization_id)
        candidates = list(
            products.filter(sku_normalized__in=wanted).prefetch_related(_candidate_mappings())
            if wanted
            else []
        )
        found = {master.pk for master in candidates}
        by_variant_ids = set(
            products_with_variant_skus(
                organization_id=self.organization_id, skus=sorted(wanted_variants)
            )
        )
        if by_variant_ids - found:
            candidates += list(
                products.filter(pk__in=by_variant_ids - found).prefetch_related(
                    _candidate_mappings()
                )
            )
        by_sku = {master.sku_normalized: master for master in candidates}
        by_variant = {sku: master for master in candidates for sku in master.variant_skus}
        on_platform = {
            master.pk
            for master in candidates
            if any(m.platform == platform for m in master.mappings.all())
        }

        unmatched = []
        seen_in_batch: dict[str, str] = {}
        # Kept apart for a SKU an earlier listing of this batch has, whose product is only
        # known once titles are matched: (the kept-apart mapping, that listing's id).
        rivals_pending: list[tuple[PlatformMapping, str, ListingRecord]] = []
        for listing, record in items:
            product_id = record["platform_product_id"]
            sku, variant_skus = usable[product_id]
            master = by_sku.get(sku) if sku else None
            if master is None and sku in self.taken_skus:
                master = self.taken_skus[sku]  # created from the other platform in this batch
            if master is None and variant_skus:
                master = next((by_variant[s] for s in variant_skus if s in by_variant), None)
            duplicate_of, conflict = None, ""
            if sku and sku in seen_in_batch:
                duplicate_of = seen_in_batch[sku]
            elif master is not None and platform in self.new_platforms.get(master.pk, ()):
                duplicate_of = "a listing in this run"
            elif master is not None and master.pk in on_platform:
                taken_by = next((m for m in master.mappings.all() if m.platform == platform), None)
                if (
                    taken_by is not None
                    and taken_by.match_method == PlatformMapping.MatchMethod.SIMILARITY
                    and taken_by.review_status in (Review.NEEDS_REVIEW, Review.AUTO)
                ):
                    # A same-SKU listing beats a title match nobody confirmed. Read whole:
                    # splitting it off writes the listing (only matching's fields are loaded).
                    self.displaced.append(PlatformMapping.objects.get(pk=taken_by.pk))
                else:
                    duplicate_of = taken_by.platform_product_id if taken_by else "another listing"
            if master is not None and not duplicate_of:
                conflict = compare_titles(
                    title_key(master.name), title_key(record["name"])
                ).conflict
            if sku:
                seen_in_batch.setdefault(sku, product_id)
            if duplicate_of or conflict:
                self._create(
                    listing,
                    record,
                    platform,
                    duplicate_of=duplicate_of,
                    conflict=conflict,
                    rival=master,
                )
                if master is None and sku in seen_in_batch:
                    rivals_pending.append((self.new_mappings[-1], seen_in_batch[sku], record))
            elif master is not None:
                self._link(listing, record, platform, master, "sku", Decimal("1"), Review.AUTO)
                on_platform.add(master.pk)
            else:
                unmatched.append((listing, record))
        if unmatched:
            self._match_by_title(platform, shop, unmatched)
        if rivals_pending:
            self._record_batch_rivals(platform, rivals_pending)

    def _record_batch_rivals(
        self, platform: str, pending: list[tuple[PlatformMapping, str, ListingRecord]]
    ) -> None:
        """Name the product the earlier same-SKU listing ended up on as the kept-apart
        listing's candidate, so the review queue shows the real conflict, not its own copy."""
        wanted = {listing_id for _mapping, listing_id, _record in pending}
        placed = {
            m.platform_product_id: m.master_product
            for m in self.new_mappings
            if m.platform == platform and m.platform_product_id in wanted
        }
        for mapping, listing_id, record in pending:
            rival = placed.get(listing_id)
            if rival is None or rival.pk == mapping.master_product_id or mapping.match_candidates:
                continue
            confidence = rival_confidence(rival, record)
            mapping.match_candidates = [Candidate(rival, confidence).as_dict()]

    def _match_by_title(self, platform: str, shop: str, items: list) -> None:
        decisions = self._title_decisions(platform, shop, [record for _, record in items])
        for position, (listing, record) in enumerate(items):
            decision = decisions.get(position)
            if decision is None or decision.master is None:
                self._create(listing, record, platform)
                continue
            self._link(
                listing,
                record,
                platform,
                decision.master,
                "similarity",
                decision.confidence,
                Review.AUTO if decision.auto else Review.NEEDS_REVIEW,
                decision=decision,
            )

    def _title_decisions(self, platform: str, shop: str, records: list[ListingRecord]) -> dict:
        if not self.session.unlisted.exist(platform, shop, batch_started_at=self.now):
            return {}  # the shop already lists every product: nothing to match
        frequency, documents = self.session.term_statistics()
        return title_decisions(
            organization_id=self.organization_id,
            platform=platform,
            shop_id=shop,
            listings=[
                TitleListing(
                    name=r["name"],
                    price=r["base_price"],
                    weight_kg=r.get("weight_kg"),
                    brand=r.get("brand") or "",
                )
                for r in records
            ],
            frequency=frequency,
            documents=documents,
            keys=self.session.title_keys,
            organization_size=self.session.organization_size,
        )

    # --- the writes each decision makes (in memory; `write` stores them) --------------------
    def _sku_issues(self, record: ListingRecord) -> list[Issue]:
        verdict = self.verdicts.get(record["platform_product_id"])
        if verdict is None or verdict.usable:
            return []
        severity = "info" if verdict.reason == "empty" else "warning"
        return [Issue("sku", verdict.message(), verdict.sku.strip()[:40], severity)]

    def _new_mapping(
        self, listing, record: ListingRecord, platform: str, master: MasterProduct, **match: Any
    ) -> None:
        """The listing's mapping onto `master`, written with the batch (`match`: how it was
        matched, reviewed, and whether it is the product's source)."""
        self.new_mappings.append(
            self.make_mapping(
                organization_id=self.organization_id,
                master_product=master,
                platform=platform,
                platform_product_id=record["platform_product_id"],
                **match,
                **self._mapping_values(
                    listing, record, self._variant_links(record, master.variants)
                ),
            )
        )

    def _link(
        self,
        listing,
        record,
        platform,
        master: MasterProduct,
        method: str,
        confidence: Decimal | None,
        review: str,
        decision: TitleDecision | None = None,
    ) -> None:
        reason = decision.reason if decision and review == Review.NEEDS_REVIEW else ""
        self._new_mapping(
            listing,
            record,
            platform,
            master,
            match_method=method,
            match_confidence=confidence,
            review_status=review,
            review_reason=reason,
            match_candidates=decision.candidates_json() if decision else [],
            is_source=False,
        )
        self.new_platforms[master.pk].add(platform)
        if method == "sku":
            self.report.linked += 1
        elif review == Review.AUTO:
            self.report.title_linked += 1
        else:
            self.report.suggested += 1
        self._finish_raw(listing, [*record.issues, *self._sku_issues(record)], master.pk)

    def _create(
        self,
        listing,
        record,
        platform,
        duplicate_of: str | None = None,
        conflict: str = "",
        rival: MasterProduct | None = None,
    ) -> None:
        issues = [*record.issues, *self._sku_issues(record)]
        verdict = self.verdicts.get(record["platform_product_id"])
        sku = (record.get("sku") or "") if verdict is None or verdict.usable else ""
        normalized = normalize_sku(sku, self.rules)
        review, reason, candidates = Review.AUTO, "", []
        if not title_key(record["name"]):
            issues.append(
                Issue("name", "the title has no words to match on", record["name"][:40], "warning")
            )
        if duplicate_of or conflict:
            if conflict:
                problem = (
                    f"same SKU as product {rival.sku if rival else ''}, but another size or "
                    f"model ({conflict}); kept as a separate product for review"
                )
                reason = Reason.SKU_CONFLICT
            else:
                problem = (
                    f"duplicate SKU: also used by listing {duplicate_of}; "
                    "kept as a separate product for review"
                )
                reason = Reason.DUPLICATE_SKU
            issues.append(Issue("sku", problem, sku, "warning"))
            if rival is not None:
                confidence = rival_confidence(rival, record)
                candidates = [Candidate(rival, confidence, conflict).as_dict()]
            sku = f"{sku}-{record['platform_product_id']}"
            normalized = normalize_sku(sku, self.rules)
            review = Review.NEEDS_REVIEW
            self.report.duplicates += 1
        if not normalized or normalized in self.taken_skus:
            sku = generated_sku(platform, record["platform_product_id"])
            normalized = normalize_sku(sku, self.rules)
        master = self.make_master(
            id=uuid.uuid4(),
            organization_id=self.organization_id,
            sku=sku[:100],
            sku_normalized=normalized,
            currency="IDR",
            **master_values(record),
        )
        master.variant_skus = self.usable_variant_skus.get(
            record["platform_product_id"], self._variant_skus(master.variants)
        )
        master.created_at = master.updated_at = self.now
        self.taken_skus[normalized] = master
        self.new_platforms[master.pk].add(platform)
        self.new_masters.append(master)
        self._new_mapping(
            listing,
            record,
            platform,
            master,
            match_method=PlatformMapping.MatchMethod.NEW,
            review_status=review,
            review_reason=reason,
            match_candidates=candidates,
            is_source=True,
        )
        self.report.created += 1
        self._finish_raw(listing, issues, master.pk)

    # --- after writing: a same-SKU listing beats a title link nobody confirmed --------------
    def _claim_same_sku_listings(self) -> list[Any]:
        """Listings of another platform carrying the SKU of a product this batch created,
        but linked by title (unconfirmed) elsewhere, move onto that product: the title link
        was made before their twin arrived. Returns the products they left."""
        created = {
            master.sku_normalized: master
            for master in self.new_masters
            if master.sku_normalized and master.sku_normalized in self.usable_skus
        }
        if not created:
            return []
        raw_skus = {self.usable_skus[sku] for sku in created}
        platforms = {platform for listings in self.new_platforms.values() for platform in listings}
        movable = PlatformMapping.objects.filter(
            organization_id=self.organization_id,
            # Each platform apart: the (organization, platform, SKU) index answers it.
            platform__in=[p for p in Platform.values if p not in platforms],
            platform_sku__in=raw_skus,
            match_method=PlatformMapping.MatchMethod.SIMILARITY,
            review_status__in=(Review.AUTO, Review.NEEDS_REVIEW),
        ).exclude(platform_data__has_key="sku_note")
        left, moved = [], 0
        for mapping in movable:
            master = created.get(normalize_sku(mapping.platform_sku, self.rules))
            if master is None or mapping.platform in self.new_platforms.get(master.pk, ()):
                continue
            left.append(mapping.master_product_id)
            listing_repoint(
                mapping=mapping,
                master=master,
                method=PlatformMapping.MatchMethod.SKU,
                confidence=Decimal("1"),
                review_status=Review.AUTO,
            )
            self.new_platforms[master.pk].add(mapping.platform)
            moved += 1
        self.report.linked += moved
        return left
