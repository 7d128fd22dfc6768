"""Reference data an import can do without (issue: "an optional reference call aborts the
import"): a shop refused get_item_limit or the category tree is still imported."""

import pytest
import requests

from catalog.models import MasterProduct
from imports.models import ImportJob
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _refuse(sandbox, **paths):
    response = requests.post(f"{sandbox.base_url}/_sandbox/refuse", json=paths, timeout=5)
    assert response.status_code == 200, response.text


def _warnings(job):
    return list(job.events.filter(level="warning").values_list("message", flat=True))


def test_a_shopee_shop_refused_item_limit_and_categories_is_imported(make_sandbox, organization):
    sandbox = make_sandbox(products=80)
    _refuse(
        sandbox,
        **{
            "/api/v2/product/get_item_limit": "permission",
            "/api/v2/product/get_category": "not_found",
        },
    )
    connection = connect_sandbox(sandbox, organization, "shopee")
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.stored_count == 80
    warnings = _warnings(job)
    assert any(w.startswith("Could not read get_item_limit") for w in warnings), warnings
    assert any(w.startswith("Could not read categories") for w in warnings), warnings
    assert job.reference_data["item_limit"] is None and job.reference_data["categories"] == {}
    # The listings are in the catalog, their category names left blank.
    assert MasterProduct.objects.filter(organization=organization).count() > 70
    assert not MasterProduct.objects.exclude(category="").exists()


def test_a_tiktok_shop_refused_its_category_tree_is_imported(make_sandbox, organization):
    sandbox = make_sandbox(products=60)
    _refuse(sandbox, **{"/product/202309/categories": "permission"})
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.stored_count == 60
    assert any("Could not read categories" in w for w in _warnings(job))
    # Lifted, the next import reads it again.
    _refuse(sandbox, **{"/product/202309/categories": None})
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    assert job.reference_data["categories"]
    assert not any("Could not read" in w for w in _warnings(job))
