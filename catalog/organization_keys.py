"""Values of an array column scoped to their row's organization, for one GIN index to answer
"this organization's rows having this value" from that value's entry alone.

Looked up with the organization as a second condition, a value's few rows are intersected
with the organization's part of an index, every product it has: 150 variant SKUs took 0.5 s
at 50,000 products, against 1.3 ms by the values alone. By the values alone, though, a value
common in other organizations reads all their rows. `organization_keys(42, '{A-1,B}')` is
`{42:A-1,42:B}`: the first colon ends the organization, so no two organizations' keys can be
equal.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Func


class OrganizationKeys(Func):
    """`organization_keys(organization_id, values)`, as the migration defines it."""

    function = "organization_keys"
    arity = 2
    output_field = ArrayField(models.TextField())


def organization_key(organization_id: int, value: str) -> str:
    """The key `organization_keys` writes for `value` in the organization."""
    return f"{organization_id}:{value}"


# The products' variant SKUs by organization (catalog.candidates.products_with_variant_skus).
VARIANT_KEYS_INDEX = GinIndex(
    OrganizationKeys("organization", "variant_skus"), name="master_products_variant_keys"
)
