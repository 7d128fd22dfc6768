"""Building the master catalog from raw import records: transform, match, upsert in batches.

Per batch (keyset-paged by raw record id) it runs a fixed number of queries whatever the batch
size: existing mappings, SKU candidates, title-similarity candidates (pg_trgm, one LATERAL
query), then bulk inserts and updates.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.bulk import bulk_update_rows
from catalog.listings import (
    PopulateReport,
    json_ready,
    mapping_split,
    master_values,
)
from catalog.matching import (
    PRICE_BAND,
    SIMILARITY_FLOOR,
    SUGGEST_THRESHOLD,
    SkuRule,
    generated_sku,
    match_confidence,
    normalize_sku,
)
from catalog.models import MasterProduct, PlatformMapping
from catalog.selectors import sku_rules_for
from imports.models import RawImportRecord
from imports.pipeline.mappings import Issue, ListingRecord, transform_record

MAPPING_FIELDS = (
    "platform_title",
    "platform_sku",
    "listing_status",
    "listing_platforms",
    "content_hash",
    "platform_data",
    "platform_updated_at",
    "variant_links",
    "updated_at",
)


class BatchBuilder:
    """Decides, for one batch of raw records, every write the catalog needs."""

    def __init__(
        self,
        organization_id: int,
        rules: tuple[SkuRule, ...],
        dry_run: bool,
        skip_existing: bool,
        error_policy: str,
        context_for: Callable[[int], dict],
    ):
        self.organization_id = organization_id
        self.rules = rules
        self.dry_run = dry_run
        self.skip_existing = skip_existing
        self.error_policy = error_policy
        self.context_for = context_for
        self.report = PopulateReport()
        self.now = timezone.now()
        self.new_masters: list[MasterProduct] = []
        self.changed_masters: dict[Any, tuple[MasterProduct, set[str]]] = {}
        self.new_mappings: list[PlatformMapping] = []
        self.changed_mappings: list[PlatformMapping] = []
        self.raw_updates: list[RawImportRecord] = []
        self.taken_skus: dict[str, MasterProduct] = {}
        self.displaced: list[PlatformMapping] = []
        self.new_platforms: dict[Any, set[str]] = defaultdict(set)  # listings added this batch

    # --- entry point --------------------------------------------------------------------------
    def build(self, raws: list[RawImportRecord]) -> PopulateReport:
        transformed = [
            (raw, transform_record(raw.platform, raw.raw_data, self.context_for(raw.import_job_id)))
            for raw in raws
        ]
        invalid = [(raw, record) for raw, record in transformed if not record.valid]
        if invalid and self.error_policy == "reject":
            self._reject(transformed, invalid)
            return self.report
        for raw, record in invalid:
            self._finish_raw(raw, record.issues, master_id=None)
            self.report.invalid += 1
            self._note_errors(raw, record.issues)
        valid = [(raw, record) for raw, record in transformed if record.valid]
        by_platform: dict[str, list[tuple[RawImportRecord, ListingRecord]]] = defaultdict(list)
        for raw, record in valid:
            by_platform[raw.platform].append((raw, record))
        for platform, items in by_platform.items():
            self._build_platform(platform, items)
        self.report.processed = len(raws)
        return self.report

    def _reject(self, transformed, invalid) -> None:
        note = Issue(
            "batch",
            f"rejected: {len(invalid)} invalid record(s) in this batch (error policy: reject)",
        )
        for raw, record in transformed:
            issues = [*record.issues, note]
            raw.processing_errors = [issue.as_dict() for issue in issues]
            raw.processed_at = self.now
            self.raw_updates.append(raw)  # stays unprocessed: fix and populate again
            self._note_errors(raw, record.issues)
        self.report.rejected += len(transformed)
        self.report.invalid += len(invalid)

    def _note_errors(self, raw: RawImportRecord, issues: list[Issue]) -> None:
        for issue in issues:
            if issue.severity == "error" and len(self.report.errors) < 50:
                self.report.errors.append(
                    {"platform_product_id": raw.platform_product_id, **issue.as_dict()}
                )

    def _finish_raw(self, raw: RawImportRecord, issues: list[Issue], master_id: Any) -> None:
        raw.processed = True
        raw.processed_at = self.now
        raw.master_product_id = master_id
        raw.processing_errors = [issue.as_dict() for issue in issues]
        self.raw_updates.append(raw)

    # --- one platform's records -------------------------------------------------------------
    def _build_platform(self, platform: str, items: list) -> None:
        ids = [record["platform_product_id"] for _, record in items]
        existing = {
            mapping.platform_product_id: mapping
            for mapping in PlatformMapping.objects.filter(
                organization_id=self.organization_id,
                platform=platform,
                platform_product_id__in=ids,
            ).select_related("master_product")
        }
        fresh = []
        for raw, record in items:
            mapping = existing.get(record["platform_product_id"])
            if mapping is None:
                fresh.append((raw, record))
            elif self.skip_existing:
                self.report.skipped += 1
                self._finish_raw(raw, record.issues, mapping.master_product_id)
            elif mapping.content_hash == raw.content_hash:
                self.report.unchanged += 1
                self._finish_raw(raw, record.issues, mapping.master_product_id)
            else:
                self._update_existing(raw, record, mapping)
        if fresh:
            self._match_new(platform, fresh)

    def _mapping_values(
        self, raw: RawImportRecord, record: ListingRecord, links: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "platform_title": record["name"][:300],
            "platform_sku": (record.get("sku") or "")[:100],
            "listing_status": record.get("listing_status") or "active",
            "listing_platforms": record.get("listing_platforms") or [],
            "content_hash": raw.content_hash,
            "platform_data": {"listing": json_ready(record), "import_job": raw.import_job_id},
            "platform_updated_at": record.get("platform_updated_at"),
            "variant_links": links,
            "updated_at": self.now,
        }

    def _variant_links(self, record: ListingRecord, master_variants: list[dict]) -> list[dict]:
        by_sku = {
            normalize_sku(v.get("sku", ""), self.rules): v.get("sku")
            for v in master_variants or []
            if v.get("sku")
        }
        return [
            {
                "platform_variant_id": variant.get("platform_variant_id", ""),
                "platform_sku": variant.get("sku", ""),
                "master_sku": by_sku.get(normalize_sku(variant.get("sku", ""), self.rules)),
            }
            for variant in record.get("variants") or []
        ]

    def _update_existing(self, raw, record, mapping: PlatformMapping) -> None:
        master = mapping.master_product
        links = self._variant_links(record, master.variants)
        for name, value in self._mapping_values(raw, record, links).items():
            setattr(mapping, name, value)
        self.changed_mappings.append(mapping)
        if mapping.is_source:
            locked = set(master.locked_fields or [])
            changed = set()
            for name, value in master_values(record).items():
                if name in locked:
                    continue  # the merchandiser's edit wins
                if getattr(master, name) != value:
                    setattr(master, name, value)
                    changed.add(name)
            if changed:
                if "variants" in changed:
                    master.variant_skus = self._variant_skus(master.variants)
                self.changed_masters[master.pk] = (master, changed)
        self.report.updated += 1
        self._finish_raw(raw, record.issues, master.pk)

    def _variant_skus(self, variants: list[dict]) -> list[str]:
        return sorted(
            {normalize_sku(v.get("sku", ""), self.rules) for v in variants or [] if v.get("sku")}
        )

    # --- new listings: SKU, then title similarity, else a new product ------------------------
    def _match_new(self, platform: str, items: list) -> None:
        normalized = {
            record["platform_product_id"]: normalize_sku(record.get("sku"), self.rules)
            for _, record in items
        }
        variant_skus = {
            record["platform_product_id"]: self._variant_skus(record.get("variants"))
            for _, record in items
        }
        wanted = {sku for sku in normalized.values() if sku}
        wanted_variants = {sku for skus in variant_skus.values() for sku in skus}
        candidates = (
            list(
                MasterProduct.objects.filter(
                    Q(sku_normalized__in=wanted) | Q(variant_skus__overlap=list(wanted_variants)),
                    organization_id=self.organization_id,
                ).prefetch_related("mappings")
            )
            if (wanted or wanted_variants)
            else []
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
        for raw, record in items:
            product_id = record["platform_product_id"]
            sku = normalized[product_id]
            master = by_sku.get(sku) if sku else None
            if master is None and sku in self.taken_skus:
                master = self.taken_skus[sku]  # created from the other platform in this batch
            if master is None and variant_skus[product_id]:
                master = next(
                    (by_variant[s] for s in variant_skus[product_id] if s in by_variant), None
                )
            duplicate_of = None
            if sku and sku in seen_in_batch:
                duplicate_of = seen_in_batch[sku]
            elif master is not None and platform in self.new_platforms.get(master.pk, ()):
                duplicate_of = "a listing in this run"
            elif master is not None and master.pk in on_platform:
                taken_by = next((m for m in master.mappings.all() if m.platform == platform), None)
                if (
                    taken_by is not None
                    and taken_by.match_method == "similarity"
                    and taken_by.review_status == PlatformMapping.ReviewStatus.NEEDS_REVIEW
                ):
                    # A same-SKU listing beats an unconfirmed title suggestion.
                    self.displaced.append(taken_by)
                else:
                    duplicate_of = taken_by.platform_product_id if taken_by else "another listing"
            if sku:
                seen_in_batch.setdefault(sku, product_id)
            if duplicate_of:
                self._create(raw, record, platform, duplicate_of=duplicate_of)
            elif master is not None:
                self._link(
                    raw,
                    record,
                    platform,
                    master,
                    "sku",
                    Decimal("1"),
                    PlatformMapping.ReviewStatus.AUTO,
                )
                on_platform.add(master.pk)
            else:
                unmatched.append((raw, record))
        if unmatched:
            self._match_by_title(platform, unmatched)

    def _match_by_title(self, platform: str, items: list) -> None:
        suggestions = self._similar_masters(platform, [record for _, record in items])
        claimed: set[Any] = set()
        for position, (raw, record) in enumerate(items):
            best = None
            for master, similarity in suggestions.get(position, []):
                if master.pk in claimed:
                    continue
                confidence = match_confidence(
                    title_similarity=similarity,
                    title_a=master.name,
                    title_b=record["name"],
                    price_a=master.base_price,
                    price_b=record["base_price"],
                    weight_a=master.weight_kg,
                    weight_b=record.get("weight_kg"),
                    brand_a=master.brand,
                    brand_b=record.get("brand") or "",
                )
                if confidence >= SUGGEST_THRESHOLD and (best is None or confidence > best[1]):
                    best = (master, confidence)
            if best:
                claimed.add(best[0].pk)
                self._link(
                    raw,
                    record,
                    platform,
                    best[0],
                    "similarity",
                    best[1],
                    PlatformMapping.ReviewStatus.NEEDS_REVIEW,
                )
            else:
                self._create(raw, record, platform)

    def _similar_masters(self, platform: str, records: list[ListingRecord]) -> dict[int, list]:
        """For each listing, the most similar master products not yet listed on `platform`.

        Only products priced within the agreement band are compared (a different price caps
        the confidence below the suggestion threshold anyway), which keeps this one indexed
        query per batch cheap at any catalog size.
        """
        if (
            not MasterProduct.objects.filter(organization_id=self.organization_id)
            .exclude(mappings__platform=platform)
            .exists()
        ):
            return {}  # every product is already listed here: nothing to suggest
        sql = """
            SELECT r.position, m.id, m.score
            FROM unnest(%s::int[], %s::text[], %s::numeric[]) AS r(position, name, price)
            CROSS JOIN LATERAL (
                SELECT p.id, similarity(p.name, r.name) AS score FROM master_products p
                WHERE p.organization_id = %s
                  AND p.base_price BETWEEN r.price * %s AND r.price * %s
                  AND NOT EXISTS (SELECT 1 FROM platform_mappings pm
                                  WHERE pm.master_product_id = p.id AND pm.platform = %s)
                ORDER BY score DESC
                LIMIT 3
            ) m
            WHERE m.score >= %s
        """
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    list(range(len(records))),
                    [r["name"] for r in records],
                    [r["base_price"] for r in records],
                    self.organization_id,
                    1 - PRICE_BAND,
                    1 + PRICE_BAND,
                    platform,
                    SIMILARITY_FLOOR,
                ],
            )
            rows = cursor.fetchall()
        masters = MasterProduct.objects.in_bulk({row[1] for row in rows})
        found: dict[int, list] = defaultdict(list)
        for position, master_id, score in rows:
            found[position].append((masters[master_id], float(score)))
        return found

    def _link(
        self,
        raw,
        record,
        platform,
        master: MasterProduct,
        method: str,
        confidence: Decimal,
        review: str,
    ) -> None:
        links = self._variant_links(record, master.variants)
        self.new_mappings.append(
            PlatformMapping(
                organization_id=self.organization_id,
                master_product=master,
                platform=platform,
                platform_product_id=record["platform_product_id"],
                match_method=method,
                match_confidence=confidence,
                review_status=review,
                is_source=False,
                **self._mapping_values(raw, record, links),
            )
        )
        self.new_platforms[master.pk].add(platform)
        if method == "sku":
            self.report.linked += 1
        else:
            self.report.suggested += 1
        self._finish_raw(raw, record.issues, master.pk)

    def _create(self, raw, record, platform, duplicate_of: str | None = None) -> None:
        issues = list(record.issues)
        sku = record.get("sku") or ""
        normalized = normalize_sku(sku, self.rules)
        review = PlatformMapping.ReviewStatus.AUTO
        if duplicate_of:
            issues.append(
                Issue(
                    "sku",
                    f"duplicate SKU: also used by listing {duplicate_of}; "
                    "kept as a separate product for review",
                    sku,
                    "warning",
                )
            )
            sku = f"{sku}-{record['platform_product_id']}"
            normalized = normalize_sku(sku, self.rules)
            review = PlatformMapping.ReviewStatus.NEEDS_REVIEW
            self.report.duplicates += 1
        if not normalized or normalized in self.taken_skus:
            sku = generated_sku(platform, record["platform_product_id"])
            normalized = normalize_sku(sku, self.rules)
        master = MasterProduct(
            id=uuid.uuid4(),
            organization_id=self.organization_id,
            sku=sku[:100],
            sku_normalized=normalized,
            currency="IDR",
            **master_values(record),
        )
        master.variant_skus = self._variant_skus(master.variants)
        master.created_at = master.updated_at = self.now
        self.taken_skus[normalized] = master
        self.new_platforms[master.pk].add(platform)
        self.new_masters.append(master)
        self.new_mappings.append(
            PlatformMapping(
                organization_id=self.organization_id,
                master_product=master,
                platform=platform,
                platform_product_id=record["platform_product_id"],
                match_method=PlatformMapping.MatchMethod.NEW,
                review_status=review,
                is_source=True,
                **self._mapping_values(raw, record, self._variant_links(record, master.variants)),
            )
        )
        self.report.created += 1
        self._finish_raw(raw, issues, master.pk)

    # --- writing ----------------------------------------------------------------------------
    def write(self) -> None:
        if self.dry_run:
            return
        if self.new_masters:
            existing = set(
                MasterProduct.objects.filter(
                    organization_id=self.organization_id, sku__in=[m.sku for m in self.new_masters]
                ).values_list("sku", flat=True)
            )
            for master in self.new_masters:
                if master.sku in existing:  # a product of this SKU was created meanwhile
                    master.sku = f"{master.sku}-{str(master.id)[:8]}"[:100]
            MasterProduct.objects.bulk_create(self.new_masters, batch_size=500)
        # Products whose changes touch the same fields are written in one statement.
        by_fields: dict[tuple[str, ...], list[MasterProduct]] = defaultdict(list)
        for master, changed in self.changed_masters.values():
            master.updated_at = self.now
            extra = {"variant_skus"} if "variants" in changed else set()
            by_fields[tuple(sorted(changed | extra | {"updated_at"}))].append(master)
        for fields, masters in by_fields.items():
            bulk_update_rows(MasterProduct, masters, fields)
        if self.new_mappings:
            for mapping in self.new_mappings:
                mapping.created_at = self.now
            PlatformMapping.objects.bulk_create(self.new_mappings, batch_size=500)
        if self.changed_mappings:
            bulk_update_rows(PlatformMapping, self.changed_mappings, MAPPING_FIELDS)
        for mapping in self.displaced:
            mapping_split(mapping=mapping, rules=self.rules)
        if self.raw_updates:
            bulk_update_rows(
                RawImportRecord,
                self.raw_updates,
                ["processed", "processed_at", "master_product", "processing_errors"],
            )


def catalog_populate(
    *,
    organization_id: int,
    records: QuerySet[RawImportRecord],
    batch_size: int = 500,
    skip_existing: bool = False,
    dry_run: bool = False,
    error_policy: str = "skip",
    progress: Callable[[PopulateReport], None] | None = None,
) -> PopulateReport:
    """Turn unprocessed raw records into master products and platform mappings."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rules = sku_rules_for(organization_id)
    contexts: dict[int, dict] = {}

    def context_for(job_id: int) -> dict:
        if job_id not in contexts:
            from imports.models import ImportJob

            contexts[job_id] = (
                ImportJob.objects.filter(pk=job_id).values_list("reference_data", flat=True).first()
                or {}
            )
        return contexts[job_id]

    report = PopulateReport()
    last_id = 0
    base = records.filter(organization_id=organization_id, processed=False).order_by("id")
    while True:
        batch = list(base.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        last_id = batch[-1].id
        builder = BatchBuilder(
            organization_id, rules, dry_run, skip_existing, error_policy, context_for
        )
        with transaction.atomic():
            builder.build(batch)
            builder.write()
        report.add(builder.report)
        if progress:
            progress(report)
    return report
