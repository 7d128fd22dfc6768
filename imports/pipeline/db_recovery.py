"""Database errors during an import: classified, and the passing ones survived.

A lost connection (PostgreSQL restarted, a failover, a terminated backend), a serialization
failure or a deadlock says nothing about the data: the run reconnects, takes its lock (the
job's, or the window's it fetches) again and reads the failed page again from the last
committed checkpoint. Anything else (an integrity or programming error) is a
`database_error` that stops the run.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from catalog.listings import PopulateReport
from imports.models import ImportJob, ImportJobEvent
from imports.pipeline.catalog_build import CatalogBuild
from imports.pipeline.joblog import job_log
from imports.pipeline.lock import LockKey, lock_try

logger = logging.getLogger("imports.pipeline")

# SQLSTATE classes and codes that a later attempt can get past: connection exceptions,
# transaction rollbacks (serialization failure, deadlock), too many connections, a server
# shutting down or starting up, a lock timeout.
TRANSIENT_SQLSTATE_PREFIXES = ("08", "40", "53", "57P", "55P03")


class JobLockLost(Exception):
    """The connection that held the lock went away and another worker took the job (or the
    window)."""


def database_error_transient(error: BaseException) -> bool:
    """Whether the same statement may succeed on a later attempt."""
    if not isinstance(error, DatabaseError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None) or getattr(error, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(TRANSIENT_SQLSTATE_PREFIXES)
    # No SQLSTATE: the client library lost the connection (closed, reset, never opened).
    return isinstance(error, OperationalError | InterfaceError)


def backoff_seconds(attempt: int) -> float:
    """How long to wait before database attempt `attempt` + 1 (exponential, capped)."""
    base = settings.IMPORT_DATABASE_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), 30.0)


class DatabaseRecovery:
    """The runner's recovery from a passing database failure (a mixin of ImportRunner)."""

    job: ImportJob
    session: CatalogBuild | None
    clock: Any
    held_locks: list[LockKey]  # the advisory locks this run holds, to take again
    report_before_page: PopulateReport | None
    database_recoveries: int = 0  # in a row; a committed page starts the count again

    def _recover_database(self, error: DatabaseError) -> None:
        """Get the run going again after `error`, or re-raise it when waiting cannot help."""
        if (
            not database_error_transient(error)
            or self.database_recoveries >= settings.IMPORT_DATABASE_RETRIES
        ):
            raise error
        self.database_recoveries += 1
        wait = backoff_seconds(self.database_recoveries)
        logger.warning(
            "database error in import %s (attempt %d), retrying in %.1fs: %s",
            self.job.pk,
            self.database_recoveries,
            wait,
            type(error.__cause__ or error).__name__,
        )
        time.sleep(wait)
        if not connection.is_usable():
            connection.close()  # the next query opens a new connection
            # The lock went with the old connection; someone may have the job by now.
            if not all(lock_try(key) for key in self.held_locks):
                raise JobLockLost from error
        self.job.refresh_from_db()
        if self.session is not None:
            # Its caches may name rows the failed transaction rolled back: start afresh.
            previous = self.session
            self.session = CatalogBuild(
                self.job.organization_id, error_policy=self.job.error_policy, clock=self.clock
            )
            self.session.report = self.report_before_page or previous.report
            self.session.enricher = previous.enricher
        job_log(
            self.job,
            f"The database failed ({type(error.__cause__ or error).__name__}): "
            f"reconnected, reading the page again (attempt {self.database_recoveries} of "
            f"{settings.IMPORT_DATABASE_RETRIES}).",
            ImportJobEvent.Level.WARNING,
            error_type="database_error",
        )
