"""Connections, import jobs and raw payloads in the Django admin.

Autodiscover imports only this module; the admins live in the ``admin_*`` modules, imported
here so that they register:

- ``admin_connections``: channel connections (credentials, OAuth connect, test, import now);
- ``admin_jobs``: import jobs (progress, cancel, resume) with their event log;
- ``admin_publish_jobs``: publish jobs (progress, cancel, resume) with their changes;
- ``admin_records``: raw import records.
"""

from __future__ import annotations

from imports import admin_tasks  # noqa: F401  (re-registers django-q2's task lists)
from imports.admin_connections import ChannelConnectionAdmin
from imports.admin_jobs import ImportJobAdmin, ImportJobEventInline
from imports.admin_publish_jobs import PublishJobAdmin
from imports.admin_publishing import PendingPublicationAdmin
from imports.admin_records import HasErrorsFilter, RawImportRecordAdmin

__all__ = [
    "ChannelConnectionAdmin",
    "HasErrorsFilter",
    "ImportJobAdmin",
    "ImportJobEventInline",
    "PendingPublicationAdmin",
    "PublishJobAdmin",
    "RawImportRecordAdmin",
]
