"""Catalog curation in the Django admin.

Autodiscover imports only this module; the admins live in the ``admin_*`` modules, imported
here so that they register (in this order):

- ``admin_products``: master products, with their platform mapping inline;
- ``admin_mappings``: platform mappings (listings);
- ``admin_organizations``: organizations and SKU rules;
- ``admin_review``: the match review queue.

``admin_shared`` holds the list filters and the price action the first two share.
"""

from __future__ import annotations

from catalog.admin_products import MasterProductAdmin, PlatformMappingInline
from catalog.admin_shared import (
    HasMappingsFilter,
    MarginFilter,
    PlatformListFilter,
    QualityTierFilter,
    recalculate_prices_action,
)

# isort: split
from catalog.admin_mappings import PlatformMappingAdmin

# isort: split
from catalog.admin_organizations import (
    MembershipInline,
    OrganizationAdmin,
    SkuRuleAdmin,
    SkuRuleTestForm,
)
from catalog.admin_review import MatchReviewAdmin

__all__ = [
    "HasMappingsFilter",
    "MarginFilter",
    "MasterProductAdmin",
    "MatchReviewAdmin",
    "MembershipInline",
    "OrganizationAdmin",
    "PlatformListFilter",
    "PlatformMappingAdmin",
    "PlatformMappingInline",
    "QualityTierFilter",
    "SkuRuleAdmin",
    "SkuRuleTestForm",
    "recalculate_prices_action",
]
