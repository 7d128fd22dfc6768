"""Prometheus metrics from real imports, and who may read them."""

import pytest

from imports.sandbox.faults import FaultConfig
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def test_metrics_describe_imports_calls_retries_and_requests(
    client, make_sandbox, organization, fast_retries
):
    sandbox = make_sandbox(
        products=150, faults=FaultConfig(server_error=0.1, retry_after=0, seed=2)
    )
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    client.get("/api/health/")
    body = client.get("/metrics").content.decode()
    assert 'syncstore_import_jobs_total{platform="tiktokshop",status="succeeded"} 1' in body
    assert 'syncstore_import_duration_seconds_count{platform="tiktokshop"} 1' in body
    assert 'syncstore_import_records_total{platform="tiktokshop",outcome="stored"} 150' in body
    detail = 'platform="tiktokshop",endpoint="/product/202309/products/{product_id}"'
    calls = sum(v["calls"] for v in job.api_stats.values())
    assert calls >= 150 and job.api_stats["/product/202309/products/{product_id}"]["retries"] > 0
    assert f"syncstore_marketplace_calls_total{{{detail}}}" in body
    assert f"syncstore_marketplace_retries_total{{{detail}}} 0" not in body
    assert 'syncstore_http_request_duration_seconds_count{method="GET",status="5xx"}' in body
    assert connection.access_token not in body


def test_metrics_are_restricted(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.9.9.0/24"]
    settings.METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics").status_code == 403
    allowed = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert allowed.status_code == 200
    assert allowed["Content-Type"].startswith("text/plain; version=0.0.4")
