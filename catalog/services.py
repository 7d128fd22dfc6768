"""Writes to the master catalog that carry business rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import MasterProduct


def product_lock_edited_fields(
    *, product: MasterProduct, edited_fields: Iterable[str]
) -> list[str]:
    """Record the fields a merchandiser edited, so later imports leave them alone.

    Returns the product's new `locked_fields` (not saved; the caller saves the product).
    """
    lockable = set(MasterProduct.LOCKABLE_FIELDS)
    locked = set(product.locked_fields or [])
    locked |= {field for field in edited_fields if field in lockable}
    product.locked_fields = sorted(locked)
    return product.locked_fields


@transaction.atomic
def product_save_edit(
    *, product: MasterProduct, edited_fields: Iterable[str], lock: bool = True
) -> MasterProduct:
    """Save a merchandiser's edit: validate, lock the edited fields, write."""
    edited = list(edited_fields)
    if lock and "locked_fields" not in edited:
        product_lock_edited_fields(product=product, edited_fields=edited)
    product.full_clean()
    product.save()
    return product


def products_set_status(*, products: QuerySet[MasterProduct], status: str) -> list[str]:
    """Move products to `status`; returns the ids that actually changed.

    Status is a merchandiser decision, so it is locked against imports as well.
    """
    if status not in MasterProduct.Status.values:
        raise ValueError(f"unknown product status {status!r}")
    with transaction.atomic():
        changing = list(
            products.exclude(status=status)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "locked_fields")
        )
        now = timezone.now()
        to_update = []
        for pk, locked in changing:
            locked_fields = sorted(set(locked or []) | {"status"})
            to_update.append(
                MasterProduct(pk=pk, status=status, locked_fields=locked_fields, updated_at=now)
            )
        MasterProduct.objects.bulk_update(
            to_update, ["status", "locked_fields", "updated_at"], batch_size=1000
        )
    return [str(pk) for pk, _ in changing]
