"""Issue #19: django-q2's task lists show how long a task took with a unit, in the reader's
language, and keep the rest of django-q2's admin."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django_q.admin import resubmit_task
from django_q.models import Failure, Success, Task

STARTED = datetime(2026, 3, 2, 2, 40, tzinfo=UTC)


def _task(*, success: bool, seconds: float) -> Task:
    return Task.objects.create(
        id=uuid.uuid4().hex,
        name=f"task-{uuid.uuid4().hex[:6]}",
        func="imports.tasks.run_import_job",
        started=STARTED,
        stopped=STARTED + timedelta(seconds=seconds),
        success=success,
        result="boom" if not success else None,
    )


def _duration_cell(page: bytes) -> str:
    match = re.search(r'<td class="field-time_taken">(.*?)</td>', page.decode(), re.S)
    assert match, "no duration column"
    return match.group(1).strip()


@pytest.mark.parametrize(("language", "shown"), [("en", "0.18 s"), ("id", "0,18 dtk")])
def test_the_successful_tasks_list_shows_the_duration_with_a_unit(admin_client, language, shown):
    _task(success=True, seconds=0.176067)
    page = admin_client.get(
        reverse("admin:django_q_success_changelist"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    assert _duration_cell(page.content) == shown
    assert b"0.176067" not in page.content and b"0,176067" not in page.content


def test_the_duration_column_is_headed_duration(admin_client):
    _task(success=True, seconds=2)
    page = admin_client.get(reverse("admin:django_q_success_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert re.search(
        r'<th scope="col" class="column-time_taken">.*?Duration', page.content.decode(), re.S
    )


def test_the_failed_tasks_list_shows_the_duration_too(admin_client):
    _task(success=False, seconds=61.5)
    page = admin_client.get(reverse("admin:django_q_failure_changelist"), HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    assert _duration_cell(page.content) == "61,50 dtk"
    assert b"field-short_result" in page.content  # django-q2's own columns stay


def test_django_q2s_behaviour_stays(admin_client):
    """Subclasses of django-q2's admins: its resubmit action, read-only pages and no Add."""
    for model in (Success, Failure):
        model_admin = admin.site._registry[model]
        assert resubmit_task in model_admin.actions
        assert not model_admin.has_add_permission(None)
    task = _task(success=True, seconds=1)
    page = admin_client.get(reverse("admin:django_q_success_change", args=[task.pk]))
    assert page.status_code == 200
    assert b'name="func"' not in page.content  # every field read-only, as django-q2 has it
