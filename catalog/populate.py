"""The catalog's one way in: upsert a batch of listings, one outcome per listing.

A `CatalogSession` holds what a whole run needs once (SKU rules, fee rules, term statistics);
`CatalogSession.process(listings)` matches, enriches and writes one batch (the caller's
transaction) and fills each listing's `outcome`. A batch runs a fixed number of queries
whatever its size (existing mappings, SKU candidates, title candidates) and writes every new
row once, whole, with COPY. Who calls it (an import, the populate command) keeps its own
records of what was read; the catalog never sees a payload.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from typing import Any

from django.db import connection
from django.utils import timezone

from catalog.batch_matching import NewListingMatching, Review
from catalog.build_lock import organization_build_lock
from catalog.enrich import ENRICHED_MAPPING_FIELDS, ListingEnricher
from catalog.listing_contract import (
    IncomingListing,
    Issue,
    ListingOutcome,
    ListingRecord,
    UpsertResult,
)
from catalog.listings import (
    PopulateReport,
    json_ready,
    mapping_split,
    mappings_seen_record,
    master_values,
)
from catalog.matching import PLACEHOLDER_SKUS, SkuRule, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.organization_keys import VARIANT_KEYS_INDEX
from catalog.publication import publication_status_settle, remote_prices_of
from catalog.selectors import sku_rules_for
from catalog.services import product_quality_assess, quality_refresh
from catalog.shop_skus import ShopSkus
from catalog.title_matching import TitleKeys
from catalog.unlisted import UnlistedProducts
from core.bulk import NewInstances, bulk_update_rows, copy_insert

MAPPING_FIELDS = (
    "platform_shop_id",
    "platform_title",
    "platform_sku",
    "listing_status",
    "listing_platforms",
    "content_hash",
    "platform_data",
    "platform_updated_at",
    "variant_links",
    "remote_prices",
    "last_synced_at",
    "updated_at",
)


# Every stored column but the generated search vector (and the mappings' and listing rows' ids).
MASTER_COPY_FIELDS = tuple(f.name for f in MasterProduct._meta.concrete_fields if not f.generated)
MAPPING_COPY_FIELDS = tuple(
    f.name for f in PlatformMapping._meta.concrete_fields if not f.primary_key
)
# The catalog's statistics are refreshed once it has grown by half, and not before this many
# new rows of a table (a small catalog would otherwise be analysed every page).
ANALYZE_MIN_NEW_ROWS = 1000


class CatalogSession:
    """What one run (an import job, a populate command) needs once rather than per batch."""

    def __init__(
        self,
        organization_id: int,
        *,
        dry_run: bool = False,
        skip_existing: bool = False,
        error_policy: str = "skip",
        clock: Any = None,
    ) -> None:
        self.organization_id = organization_id
        self.rules: tuple[SkuRule, ...] = sku_rules_for(organization_id)
        self.dry_run = dry_run
        self.skip_existing = skip_existing
        self.error_policy = error_policy
        self.enricher = ListingEnricher()
        # Where the time goes (an import's StageClock); nothing is timed without one.
        self.stage = clock.stage if clock is not None else (lambda name: nullcontext())
        self.report = PopulateReport()
        self.shop_skus = ShopSkus(organization_id, self.rules)
        self.title_keys = TitleKeys()
        self.unlisted = UnlistedProducts(organization_id)
        # The organization's products and listings at the last ANALYZE, and how many this
        # session added since.
        self._analyzed: tuple[int, int] | None = None
        self._new_products = self._new_mappings = 0

    @property
    def organization_size(self) -> int | None:
        """About how many products the organization has (None before the first batch)."""
        if self._analyzed is None:
            return None
        return self._analyzed[0] + self._new_products

    def term_statistics(self):
        """Document frequency of title words in the organization's catalog, and its size."""
        return self.enricher.seo.statistics(self.organization_id)

    def process(self, listings: list[IncomingListing]) -> UpsertResult:
        """Upsert one batch of listings into the catalog (in the caller's transaction): one
        outcome per listing, in order (also left on each listing), and the batch's counts."""
        self._lock_organization()
        self._refresh_statistics()
        builder = BatchBuilder(self)
        builder.build(listings)
        builder.write()
        builder.report.placeholder_skus = self.shop_skus.summary()
        self.report.add(builder.report)
        if not self.dry_run:
            self._new_products += len(builder.new_masters)
            self._new_mappings += len(builder.new_mappings)
        return UpsertResult([listing.outcome for listing in listings], builder.report)

    def _lock_organization(self) -> None:
        """Wait until no other batch of this organization is being built, until commit."""
        organization_build_lock(self.organization_id)

    def _refresh_statistics(self) -> None:
        """ANALYZE the catalog tables at the start and whenever the organization's products or
        listings have grown by half (each ANALYZE samples a fixed number of rows, ~0.5 s).

        The matching queries are planned from these statistics: on a table that grew from
        nothing during this run, stale ones make PostgreSQL scan the whole organization for
        every listing instead of using the full-text and price indexes (20 times slower).
        """
        if self._analyzed is not None and not any(
            new >= max(ANALYZE_MIN_NEW_ROWS, analyzed // 2)
            for new, analyzed in zip(
                (self._new_products, self._new_mappings), self._analyzed, strict=True
            )
        ):
            return
        with connection.cursor() as cursor:
            # Only the columns matching filters on: the JSON columns are slow to sample.
            cursor.execute(
                "ANALYZE master_products (organization_id, base_price, sku_normalized, "
                "search_vector), platform_mappings (organization_id, platform, "
                "platform_product_id, master_product_id)"
            )
            # The organization's own size: a new shop in a database of large ones starts at
            # nothing, and its statistics must keep up with it, not with the table.
            cursor.execute(
                "SELECT (SELECT count(*) FROM master_products WHERE organization_id = %s),"
                " (SELECT count(*) FROM platform_mappings WHERE organization_id = %s)",
                [self.organization_id, self.organization_id],
            )
            self._analyzed = cursor.fetchone()
        self._new_products = self._new_mappings = 0


class BatchBuilder(NewListingMatching):
    """Decides, for one batch of listing records, every write the catalog needs."""

    def __init__(self, session: CatalogSession):
        self.session = session
        self.organization_id = session.organization_id
        self.rules = session.rules
        self.dry_run = session.dry_run
        self.skip_existing = session.skip_existing
        self.error_policy = session.error_policy
        self.report = PopulateReport()
        self.now = timezone.now()
        self.new_masters: list[MasterProduct] = []
        self.changed_masters: dict[Any, tuple[MasterProduct, set[str]]] = {}
        self.new_mappings: list[PlatformMapping] = []
        self.make_master = NewInstances(MasterProduct)
        self.make_mapping = NewInstances(PlatformMapping)
        self.changed_mappings: list[PlatformMapping] = []
        self.listings: list[IncomingListing] = []
        # Listings read again whose mapping stays as it is: (platform, id, read at, shop).
        self.seen_unchanged: list[tuple[str, str, Any, str]] = []
        self.taken_skus: dict[str, MasterProduct] = {}
        self.displaced: list[PlatformMapping] = []
        self.new_platforms: dict[Any, set[str]] = defaultdict(set)  # listings added this batch
        self.verdicts = {}  # platform product id -> SkuVerdict, for this batch's new listings
        self.usable_variant_skus: dict[str, list[str]] = {}
        self.usable_skus: dict[str, str] = {}

    # --- entry point --------------------------------------------------------------------------
    def build(self, listings: list[IncomingListing]) -> PopulateReport:
        self.listings = listings
        transformed = [(listing, listing.record) for listing in listings]
        with self.session.stage("match"):
            self._build_transformed(listings, transformed)
        return self.report

    def _build_transformed(self, listings: list[IncomingListing], transformed: list) -> None:
        invalid = [(listing, record) for listing, record in transformed if not record.valid]
        if invalid and self.error_policy == "reject":
            self._reject(transformed, invalid)
            return
        for listing, record in invalid:
            self._seen(listing)  # read from the platform all the same: the listing is live
            self._finish_raw(listing, record.issues, master_id=None)
            self.report.invalid += 1
            self._note_errors(listing, record.issues)
        valid = [(listing, record) for listing, record in transformed if record.valid]
        by_shop: dict[tuple[str, str], list[tuple[IncomingListing, ListingRecord]]] = defaultdict(
            list
        )
        for listing, record in valid:
            by_shop[(listing.platform, listing.shop)].append((listing, record))
        for (platform, shop), items in by_shop.items():
            self._build_shop(platform, shop, items)
        self.report.processed = len(listings)

    def _reject(self, transformed, invalid) -> None:
        note = Issue(
            "batch",
            f"rejected: {len(invalid)} invalid record(s) in this batch (error policy: reject)",
        )
        for listing, record in transformed:
            # Not processed: fix and populate again.
            listing.outcome = ListingOutcome(False, None, [*record.issues, note])
            self._note_errors(listing, record.issues)
        self.report.rejected += len(transformed)
        self.report.invalid += len(invalid)

    def _note_errors(self, listing: IncomingListing, issues: list[Issue]) -> None:
        for issue in issues:
            if issue.severity == "error" and len(self.report.errors) < 50:
                self.report.errors.append(
                    {"platform_product_id": listing.platform_product_id, **issue.as_dict()}
                )

    def _seen(self, listing: IncomingListing) -> None:
        read_at = listing.read_at or self.now
        self.seen_unchanged.append(
            (listing.platform, listing.platform_product_id, read_at, listing.shop)
        )

    def _finish_raw(self, listing: IncomingListing, issues: list[Issue], master_id: Any) -> None:
        listing.outcome = ListingOutcome(True, master_id, list(issues))

    # --- one shop's records -----------------------------------------------------------------
    def _build_shop(self, platform: str, shop: str, items: list) -> None:
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
        for listing, record in items:
            mapping = existing.get(record["platform_product_id"])
            if mapping is None:
                fresh.append((listing, record))
            elif self.skip_existing:
                self.report.skipped += 1
                self._finish_raw(listing, record.issues, mapping.master_product_id)
                self._seen(listing)
            elif mapping.content_hash == listing.content_hash:
                self.report.unchanged += 1
                self._finish_raw(listing, record.issues, mapping.master_product_id)
                self._seen(listing)
            else:
                self._update_existing(listing, record, mapping)
        if fresh:
            self._match_new(platform, shop, fresh)

    def _mapping_values(
        self, listing: IncomingListing, record: ListingRecord, links: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "platform_shop_id": listing.shop,
            "platform_title": record["name"][:300],
            "platform_sku": (record.get("sku") or "")[:100],
            "listing_status": record.get("listing_status") or "active",
            "listing_platforms": record.get("listing_platforms") or [],
            "content_hash": listing.content_hash,
            "platform_data": self._platform_data(listing, record),
            "platform_updated_at": record.get("platform_updated_at"),
            "variant_links": links,
            "remote_prices": remote_prices_of(record.values),
            "last_synced_at": listing.read_at or self.now,
            "updated_at": self.now,
        }

    def _platform_data(self, listing: IncomingListing, record: ListingRecord) -> dict[str, Any]:
        data: dict[str, Any] = {"listing": json_ready(record), "import_job": listing.import_job_id}
        verdict = self.verdicts.get(record["platform_product_id"])
        if verdict is not None and verdict.note():
            data["sku_note"] = verdict.note()
        return data

    def _variant_links(self, record: ListingRecord, master_variants: list[dict]) -> list[dict]:
        by_sku = {
            normalize_sku(v.get("sku", ""), self.rules): v.get("sku")
            for v in master_variants or []
            if v.get("sku")
        }
        for placeholder in PLACEHOLDER_SKUS & by_sku.keys():
            del by_sku[placeholder]  # `1` on every variant links none of them
        return [
            {
                "platform_variant_id": variant.get("platform_variant_id", ""),
                "platform_sku": variant.get("sku", ""),
                "master_sku": by_sku.get(normalize_sku(variant.get("sku", ""), self.rules)),
            }
            for variant in record.get("variants") or []
        ]

    def _update_existing(self, listing, record, mapping: PlatformMapping) -> None:
        master = mapping.master_product
        links = self._variant_links(record, master.variants)
        sku_note = (mapping.platform_data or {}).get("sku_note")
        judged_sku = mapping.platform_sku
        synced_before = mapping.last_synced_at
        for name, value in self._mapping_values(listing, record, links).items():
            setattr(mapping, name, value)
        if synced_before and synced_before > mapping.last_synced_at:
            mapping.last_synced_at = synced_before  # an older payload processed again
        if sku_note and mapping.platform_sku == judged_sku:
            mapping.platform_data["sku_note"] = sku_note  # still the SKU it was judged on
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
        self._finish_raw(listing, record.issues, master.pk)

    def _variant_skus(self, variants: list[dict]) -> list[str]:
        return sorted(
            {normalize_sku(v.get("sku", ""), self.rules) for v in variants or [] if v.get("sku")}
        )

    # --- writing ----------------------------------------------------------------------------
    def write(self) -> None:
        if self.dry_run:
            return
        with self.session.stage("enrich"):
            self._enrich()
        with self.session.stage("write"):
            self._write()

    def _write(self) -> None:
        if self.new_masters:
            existing = set(
                MasterProduct.objects.filter(
                    organization_id=self.organization_id, sku__in=[m.sku for m in self.new_masters]
                ).values_list("sku", flat=True)
            )
            for master in self.new_masters:
                if master.sku in existing:  # a product of this SKU was created meanwhile
                    master.sku = f"{master.sku}-{str(master.id)[:8]}"[:100]
            copy_insert(MasterProduct, self.new_masters, MASTER_COPY_FIELDS)
            with connection.cursor() as cursor:
                # New rows wait in a GIN index's pending list, which every search reads
                # through: merged now, while it is one batch long, matching stays indexed.
                cursor.execute(
                    "SELECT gin_clean_pending_list(%s::regclass), "
                    "gin_clean_pending_list(%s::regclass)",
                    ["master_products_search_gin", VARIANT_KEYS_INDEX.name],
                )
        # Products whose changes touch the same fields are written in one statement.
        by_fields: dict[tuple[str, ...], list[MasterProduct]] = defaultdict(list)
        for master, changed in self.changed_masters.values():
            master.updated_at = self.now
            extra = {"variant_skus"} if "variants" in changed else set()
            extra |= {"quality_score", "quality_issues"}
            by_fields[tuple(sorted(changed | extra | {"updated_at"}))].append(master)
        for fields, masters in by_fields.items():
            bulk_update_rows(MasterProduct, masters, fields)
        if self.new_mappings:
            for mapping in self.new_mappings:
                mapping.created_at = self.now
            copy_insert(PlatformMapping, self.new_mappings, MAPPING_COPY_FIELDS)
        if self.changed_mappings:
            bulk_update_rows(
                PlatformMapping, self.changed_mappings, MAPPING_FIELDS + ENRICHED_MAPPING_FIELDS
            )
            publication_status_settle(m.pk for m in self.changed_mappings)
        mappings_seen_record(self.organization_id, self.seen_unchanged)
        for mapping in self.displaced:
            master = mapping_split(mapping=mapping, rules=self.rules, review_status=Review.AUTO)
            self._outcome_follows(mapping, master)
        left = self._claim_same_sku_listings()
        if self.displaced or self.changed_masters or left:
            # Their other listings' quality depends on the product that just changed.
            quality_refresh(
                products=MasterProduct.objects.filter(
                    pk__in=[m.master_product_id for m in self.displaced]
                    + list(self.changed_masters)
                    + left
                )
            )

    def _enrich(self) -> None:
        for master, _changed in self.changed_masters.values():
            product_quality_assess(master)
        self.session.enricher.enrich(
            new_products=self.new_masters,
            mappings=self.new_mappings + self.changed_mappings,
            now=self.now,
        )

    def _outcome_follows(self, mapping: PlatformMapping, master: MasterProduct) -> None:
        """A listing of this batch moved off the product it was first put on."""
        for listing in self.listings:
            if (
                listing.outcome is not None
                and listing.platform == mapping.platform
                and listing.platform_product_id == mapping.platform_product_id
            ):
                listing.outcome.master_product_id = master.pk
