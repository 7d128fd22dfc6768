"""Publishing is described in the OpenAPI schema: the publish request and the publish jobs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PUBLISH = "/api/v1/mappings/publish/"
JOBS = "/api/v1/publish-jobs/"
JOB = "/api/v1/publish-jobs/{id}/"


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_publish_request_and_its_fields_are_in_the_schema(schema):
    operation = schema["paths"][PUBLISH]["post"]
    assert {"200", "202"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    properties = _component(schema, body["$ref"])["properties"]
    assert {"ids", "filter", "kinds", "dry_run", "overrides", "max_change_percent"} <= set(
        properties
    )
    assert properties["ids"]["type"] == "array"
    assert properties["dry_run"]["type"] == "boolean"
    assert properties["filter"]["type"] == "object"
    overrides = properties["overrides"]["items"]
    choices = overrides.get("enum") or _component(schema, overrides["$ref"])["enum"]
    assert set(choices) == {"below_cost", "large_change", "title_lint"}


def test_the_publish_jobs_are_in_the_schema(schema):
    paths = schema["paths"]
    assert "get" in paths[JOBS]  # the list
    assert "get" in paths[JOB]  # one job
    assert "get" in paths[f"{JOB}changes/"]
    assert "post" in paths[f"{JOB}cancel/"]
    assert "post" in paths[f"{JOB}resume/"]
    assert not {"post", "put", "patch", "delete"} & (set(paths[JOBS]) | set(paths[JOB]))
    job = paths[JOB]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    fields = _component(schema, job["$ref"])["properties"]
    assert {"status", "total_count", "applied_count", "resume_at", "error_message"} <= set(fields)
    changes = paths[f"{JOB}changes/"]["get"]["responses"]["200"]["content"]["application/json"]
    page = _component(schema, changes["schema"]["$ref"])
    item = _component(schema, page["properties"]["results"]["items"]["$ref"])
    assert {"old_value", "new_value", "state", "reason_text", "platform_value"} <= set(
        item["properties"]
    )
