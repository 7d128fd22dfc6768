"""The import's side of building the catalog: raw records in, listings to the catalog, its
outcomes back on the raw records.

The catalog (`catalog.populate.CatalogSession`) knows listings, not payloads or jobs: here
each raw payload is read with its platform's field mappings and the job's reference data
(categories, the shop's limits), handed over with its shop and read time, and what the
catalog did with it (stored on which product, or the issues that stopped it) is written on
the raw row, in the same transaction as the catalog rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.listing_contract import IncomingListing, ListingOutcome, ListingRecord
from catalog.listings import PopulateReport
from catalog.populate import CatalogSession
from core.bulk import bulk_update_rows, copy_insert
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.mappings import transform_record
from imports.pipeline.raw_store import written_json

RAW_COPY_FIELDS = tuple(f.name for f in RawImportRecord._meta.concrete_fields if not f.primary_key)
RAW_RESULT_FIELDS = ("processed", "processed_at", "master_product", "processing_errors")


class CatalogBuild:
    """One run's way into the catalog: an import job's pages, or stored raw records."""

    def __init__(
        self,
        organization_id: int,
        *,
        dry_run: bool = False,
        skip_existing: bool = False,
        error_policy: str = "skip",
        clock: Any = None,
    ) -> None:
        self.session = CatalogSession(
            organization_id,
            dry_run=dry_run,
            skip_existing=skip_existing,
            error_policy=error_policy,
            clock=clock,
        )
        self._contexts: dict[int, dict] = {}
        self._shops: dict[int, str] = {}

    def shop_counts_refresh(self) -> None:
        """Another task of the job may have written listings of the shop since this one read
        its SKU counts (several tasks share a job's windows)."""
        self.session.shop_skus.forget_if_others_added()

    # The run's totals live on the catalog session (a database recovery carries them over).
    @property
    def report(self) -> PopulateReport:
        return self.session.report

    @report.setter
    def report(self, value: PopulateReport) -> None:
        self.session.report = value

    @property
    def enricher(self) -> Any:
        return self.session.enricher

    @enricher.setter
    def enricher(self, value: Any) -> None:
        self.session.enricher = value

    def context_for(self, job_id: int) -> dict:
        """The reference data (categories, limits) the job's payloads refer to."""
        if job_id not in self._contexts:
            self._contexts[job_id] = (
                ImportJob.objects.filter(pk=job_id).values_list("reference_data", flat=True).first()
                or {}
            )
        return self._contexts[job_id]

    def shop_for(self, job_id: int) -> str:
        """The shop a job's listings come from (its connection's shop id or cipher)."""
        if job_id not in self._shops:
            shop = (
                ImportJob.objects.filter(pk=job_id)
                .values_list("connection__shop_id", "connection__shop_cipher")
                .first()
            )
            self._shops[job_id] = ((shop[0] or shop[1] or "") if shop else "")[:64]
        return self._shops[job_id]

    def listing_for(
        self, raw: RawImportRecord, record: ListingRecord | None = None
    ) -> IncomingListing:
        """`record`: the payload already read (on the fetching thread)."""
        if record is None:
            record = transform_record(
                raw.platform, raw.raw_data, self.context_for(raw.import_job_id)
            )
        return IncomingListing(
            record=record,
            platform_product_id=raw.platform_product_id,
            shop=self.shop_for(raw.import_job_id),
            content_hash=raw.content_hash,
            read_at=raw.imported_at,
            import_job_id=raw.import_job_id,
        )

    def process(
        self,
        raws: list[RawImportRecord],
        incoming: bool = False,
        records: dict[str, ListingRecord] | None = None,
    ) -> PopulateReport:
        """Build and write one batch (in the caller's transaction).

        `incoming` raws were just fetched: those without an id are inserted already processed,
        the others (seen earlier in the same job) get their new payload. `records`: their
        payloads already read, by platform product id.
        """
        records = records or {}
        with self.session.stage("transform"):
            listings = [self.listing_for(raw, records.get(raw.platform_product_id)) for raw in raws]
        result = self.session.process(listings)
        if not self.session.dry_run:
            with self.session.stage("write"):
                self._write_outcomes(raws, result.outcomes, incoming)
        return result.report

    def _write_outcomes(
        self, raws: list[RawImportRecord], outcomes: list[ListingOutcome | None], incoming: bool
    ) -> None:
        now = timezone.now()
        answered = []
        for raw, outcome in zip(raws, outcomes, strict=True):
            if outcome is None:
                continue
            raw.processed = outcome.processed  # False: refused with its batch, fix and rerun
            raw.processed_at = now
            raw.master_product_id = outcome.master_product_id
            raw.processing_errors = outcome.errors_as_dicts()
            answered.append(raw)
        copy_insert(
            RawImportRecord,
            [raw for raw in answered if raw.pk is None],
            RAW_COPY_FIELDS,
            written={"raw_data": written_json},
        )
        fields = RAW_RESULT_FIELDS
        if incoming:  # a listing fetched again in the same job: its newest payload wins
            fields = ("raw_data", "content_hash", "imported_at", *RAW_RESULT_FIELDS)
        bulk_update_rows(RawImportRecord, [raw for raw in answered if raw.pk is not None], fields)


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
    """Turn unprocessed stored raw records into master products and platform mappings."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    build = CatalogBuild(
        organization_id, dry_run=dry_run, skip_existing=skip_existing, error_policy=error_policy
    )
    last_id = 0
    base = records.filter(organization_id=organization_id, processed=False).order_by("id")
    while True:
        batch = list(base.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        last_id = batch[-1].id
        with transaction.atomic():
            build.process(batch)
        if progress:
            progress(build.report)
    return build.report
