"""django-q2 entry points: load the row, call the service."""

from __future__ import annotations

from imports.services import import_job_run


def run_import(job_id: int) -> str:
    job = import_job_run(job_id=job_id)
    return f"import #{job.pk}: {job.status}"
