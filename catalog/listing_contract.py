"""The listing contract: what a marketplace listing becomes before it reaches the catalog.

A `ListingRecord` is platform-neutral: the normalized values of one listing (name, prices,
SKU, variants, images, status, and `title_limit` when the shop has its own) with the `Issue`s
found while reading it. The imports app turns each marketplace's payloads into these (its
field mappings); the catalog matches and stores them and never sees a payload's own shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Issue:
    field: str
    problem: str
    value: str = ""
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "problem": self.problem,
            "value": self.value,
            "severity": self.severity,
        }


@dataclass
class ListingRecord:
    platform: str
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass
class ListingOutcome:
    """What the catalog did with one listing: stored (on which product) or not, and why."""

    processed: bool
    master_product_id: Any = None
    issues: list[Issue] = field(default_factory=list)

    def errors_as_dicts(self) -> list[dict[str, str]]:
        return [issue.as_dict() for issue in self.issues]


@dataclass
class IncomingListing:
    """One listing handed to the catalog: its record and where and when it was read.

    `content_hash` lets an unchanged listing be skipped; `import_job_id` is remembered on the
    mapping (platform_data) so a merchandiser can open the run that last brought it. The
    catalog fills `outcome`.
    """

    record: ListingRecord
    platform_product_id: str
    shop: str = ""
    content_hash: str = ""
    read_at: datetime | None = None
    import_job_id: int | None = None
    outcome: ListingOutcome | None = None

    @property
    def platform(self) -> str:
        return self.record.platform


@dataclass
class UpsertResult:
    """A batch's answer: one outcome per listing, in the order given (None for a listing the
    catalog did not get to), and the batch's counts (a catalog.listings.PopulateReport)."""

    outcomes: list[ListingOutcome | None]
    report: Any
