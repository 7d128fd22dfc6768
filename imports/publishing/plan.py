"""The preview: every change a publication would make, and the guards against a mistake.

One row per variant price and per title: old -> new, the price change in %, the margin after
fees, and the reasons a row is held. Held by default and released only when the merchandiser
says so: a price below cost, a change beyond the allowed percentage, a title the lint rejects.
Never published: listings with sync off, a conflict not yet settled, a title still in review,
a variant spread or title length the platform refuses anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from catalog.listing_seo import listing_title_rules
from catalog.models import PlatformMapping, PublishKind, SyncStatus
from catalog.publication import change_percent, pending_price_changes, pending_title_change
from imports.platforms import UnknownPlatform, adapter_for
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from seo.lint import lint_title


@dataclass
class PlanRow:
    mapping: PlatformMapping
    kind: str
    variant: str
    variant_name: str
    old_value: str
    new_value: str
    change_percent: Decimal | None = None
    margin_percent: Decimal | None = None
    held: list[str] = field(default_factory=list)  # reason codes
    overridden: list[str] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        return not self.held

    def as_dict(self) -> dict[str, object]:
        return {
            "mapping_id": self.mapping.pk,
            "platform": self.mapping.platform,
            "shop": self.mapping.platform_shop_id,
            "platform_product_id": self.mapping.platform_product_id,
            "kind": self.kind,
            "variant": self.variant,
            "variant_name": self.variant_name,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "change_percent": None if self.change_percent is None else str(self.change_percent),
            "margin_percent": None if self.margin_percent is None else str(self.margin_percent),
            "publishable": self.publishable,
            "held": [{"code": code, "text": reasons.reason_text(code)} for code in self.held],
            "overridden": self.overridden,
        }


@dataclass
class Plan:
    rows: list[PlanRow]

    @property
    def publishable(self) -> list[PlanRow]:
        return [row for row in self.rows if row.publishable]

    @property
    def held(self) -> list[PlanRow]:
        return [row for row in self.rows if not row.publishable]

    def summary(self) -> dict[str, int]:
        held: dict[str, int] = {}
        for row in self.held:
            for code in row.held:
                held[code] = held.get(code, 0) + 1
        return {
            "changes": len(self.rows),
            "publishable": len(self.publishable),
            "held": len(self.held),
            "listings": len({row.mapping.pk for row in self.publishable}),
            **{f"held_{code}": count for code, count in sorted(held.items())},
        }


def max_change_percent_default() -> Decimal:
    return Decimal(str(settings.PUBLISH_MAX_PRICE_CHANGE_PERCENT))


def _variant_names(mapping: PlatformMapping) -> dict[str, str]:
    listing = (mapping.platform_data or {}).get("listing") or {}
    return {
        str(variant.get("platform_variant_id", "")): str(variant.get("name") or "")
        for variant in listing.get("variants") or []
    }


def _spread(rules_spread: Decimal | None, mapping: PlatformMapping) -> bool:
    """True when the listing's prices after publishing break the platform's spread rule."""
    if rules_spread is None:
        return False
    after = {**(mapping.remote_prices or {}), **(mapping.desired_prices or {})}
    values = [Decimal(str(v)) for v in after.values() if v not in (None, "")]
    return len(values) > 1 and min(values) > 0 and max(values) / min(values) > rules_spread


def _guard(row: PlanRow, code: str, overrides: Iterable[str]) -> None:
    if code in reasons.OVERRIDABLE and code in overrides:
        row.overridden.append(code)
    else:
        row.held.append(code)


def _price_rows(
    mapping: PlatformMapping, overrides: set[str], limit: Decimal, spread: Decimal | None
) -> list[PlanRow]:
    names = _variant_names(mapping)
    too_wide = _spread(spread, mapping)
    rows = []
    for variant, (old, new) in sorted(pending_price_changes(mapping).items()):
        row = PlanRow(
            mapping,
            PublishKind.PRICE,
            variant,
            names.get(variant, ""),
            "" if old is None else str(old),
            str(new),
            change_percent(old, new),
            mapping.margin_percentage,
        )
        if mapping.margin_percentage is not None and mapping.margin_percentage < 0:
            _guard(row, reasons.BELOW_COST, overrides)
        if row.change_percent is None or abs(row.change_percent) > limit:
            _guard(row, reasons.LARGE_CHANGE, overrides)
        if too_wide:
            row.held.append(reasons.VARIANT_SPREAD)
        rows.append(row)
    return rows


def _title_row(
    mapping: PlatformMapping, overrides: set[str], rejected: set[tuple[int, str]]
) -> PlanRow | None:
    change = pending_title_change(mapping)
    if change is None:
        return None
    row = PlanRow(mapping, PublishKind.TITLE, "", "", change[0], change[1])
    rules = listing_title_rules(mapping)
    if not rules.min_length <= len(change[1]) <= rules.max_length:
        row.held.append(reasons.TITLE_LENGTH)
    findings = lint_title(change[1], min_length=rules.min_length, max_length=rules.max_length)
    if any(finding.severity == "error" for finding in findings):
        _guard(row, reasons.TITLE_LINT, overrides)
    if mapping.sync_status == SyncStatus.IN_REVIEW:
        row.held.append(reasons.IN_REVIEW)
    if (mapping.pk, change[1]) in rejected:
        row.held.append(reasons.REVIEW_REJECTED)  # the same title would be rejected again
    return row


def publication_plan(
    mappings: QuerySet[PlatformMapping],
    *,
    kinds: Iterable[str] = (PublishKind.PRICE, PublishKind.TITLE),
    overrides: Iterable[str] = (),
    max_change_percent: Decimal | None = None,
) -> Plan:
    """What publishing `mappings` would change (computed from stored values: no platform call)."""
    kinds = {str(kind) for kind in kinds}
    allowed = set(overrides) & set(reasons.OVERRIDABLE)
    limit = max_change_percent_default() if max_change_percent is None else max_change_percent
    rows: list[PlanRow] = []
    # Only listings with something of these kinds to publish are read.
    candidates = mappings.filter(pending_kinds__overlap=sorted(kinds))
    busy = _changes_in_progress(candidates)
    rejected = set(
        PublishItem.objects.filter(
            mapping__in=candidates, kind=PublishKind.TITLE, state=PublishItem.State.REJECTED
        ).values_list("mapping_id", "new_value")
    )
    for mapping in candidates.select_related("master_product").order_by("platform", "pk"):
        try:
            spread = adapter_for(mapping.platform).rules.max_variant_spread
        except UnknownPlatform:
            continue
        found: list[PlanRow] = []
        if PublishKind.PRICE in kinds:
            found += _price_rows(mapping, allowed, limit, spread)
        if PublishKind.TITLE in kinds and (row := _title_row(mapping, allowed, rejected)):
            found.append(row)
        for row in found:
            if not mapping.sync_enabled:
                row.held.insert(0, reasons.SYNC_DISABLED)
            elif mapping.sync_status == SyncStatus.CONFLICT:
                row.held.insert(0, reasons.CONFLICT)
            elif (mapping.pk, row.kind, row.variant) in busy:
                row.held.insert(0, reasons.IN_PROGRESS)
        rows += found
    return Plan(rows)


def _changes_in_progress(mappings: QuerySet[PlatformMapping]) -> set[tuple[int, str, str]]:
    """(listing, kind, variant) already queued, running or waiting for a lock in a job."""
    return set(
        PublishItem.objects.filter(
            mapping__in=mappings,
            state__in=(PublishItem.State.QUEUED, PublishItem.State.BLOCKED),
            job__status__in=(*PublishJob.ACTIVE, PublishJob.Status.WAITING),
        ).values_list("mapping_id", "kind", "variant")
    )
