import pytest

from catalog.models import MasterProduct
from catalog.services import product_lock_edited_fields, products_set_status
from tests.factories import MasterProductFactory

pytestmark = pytest.mark.django_db


def test_only_lockable_fields_are_locked(organization):
    product = MasterProductFactory.build(organization=organization, locked_fields=["brand"])
    locked = product_lock_edited_fields(product=product, edited_fields=["name", "sku", "tags"])
    assert locked == ["brand", "name", "tags"]  # sku identifies the product; never "locked"


def test_set_status_reports_only_rows_that_changed(organization):
    active = MasterProductFactory(organization=organization)
    archived = MasterProductFactory(organization=organization, status="archived")
    changed = products_set_status(
        products=MasterProduct.objects.filter(pk__in=[active.pk, archived.pk]),
        status="archived",
    )
    assert changed == [str(active.pk)]
    active.refresh_from_db()
    assert active.status == "archived" and active.locked_fields == ["status"]


def test_set_status_rejects_unknown_status(organization):
    with pytest.raises(ValueError, match="unknown product status 'gone'"):
        products_set_status(products=MasterProduct.objects.all(), status="gone")
