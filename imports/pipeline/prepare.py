"""A fetched page's work that needs no database, done on the fetching thread.

The writer spends much of each page waiting for PostgreSQL (the COPY of its rows, the commit)
while the fetching thread mostly waits for the marketplace. The payloads' hashes, the page's
field coverage and the listing records read from the payloads depend on the payloads alone
(and on the job's reference data, read once before fetching starts), so the fetching thread
works them out and the writer only stores them: the two waits overlap instead of adding up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from catalog.listing_contract import ListingRecord
from imports.pipeline.analyse import CoverageCounter
from imports.pipeline.fetch import Page
from imports.pipeline.mappings import transform_record
from imports.pipeline.raw_store import canonical_json, hash_of
from imports.pipeline.timing import StageClock


@dataclass
class PreparedPage:
    content_hashes: dict[str, str]  # by platform product id
    coverage: CoverageCounter  # of this page's payloads
    records: dict[str, ListingRecord] | None  # None: not read (a dry run builds nothing)
    canonical_texts: dict[str, bytes]  # each payload as hashed, stored as it is


def page_prepare(
    page: Page, *, platform: str, context: dict[str, Any] | None, clock: StageClock
) -> PreparedPage:
    """Work out what the writer needs from a page's payloads (the last payload of a listing
    seen twice in the page wins, as when it is stored); `context` None: a dry run, which
    stores and builds nothing. The stages timed here run alongside the writer's, so a job's
    stage times add up to more than its wall time."""
    latest = dict(page.records)
    hashes, canonical = {}, {}
    if context is not None:  # a dry run stores nothing
        with clock.stage("store"):
            canonical = {
                product_id: canonical_json(payload) for product_id, payload in latest.items()
            }
            hashes = {product_id: hash_of(text) for product_id, text in canonical.items()}
    with clock.stage("analyse"):
        coverage = CoverageCounter()
        for _product_id, payload in page.records:
            coverage.add(payload)
    records = None
    if context is not None:
        with clock.stage("transform"):
            records = {
                product_id: transform_record(platform, payload, context)
                for product_id, payload in latest.items()
            }
    return PreparedPage(hashes, coverage, records, canonical)


def pages_prepared(
    pages: Iterable[Page], *, platform: str, context: dict[str, Any] | None, clock: StageClock
) -> Iterator[Page]:
    try:
        for page in pages:
            page.prepared = page_prepare(page, platform=platform, context=context, clock=clock)
            yield page
    finally:
        close = getattr(pages, "close", None)
        if close is not None:  # the fetcher's own clean-up (its thread pool), now
            close()
