"""Database errors during an import: classified as database_error, the passing ones survived.

The errors are PostgreSQL's own: a backend terminated mid-run, and a trigger on
raw_import_data raising the SQLSTATE of a serialization failure or of a constraint violation.
"""

import pytest
from django.db import DatabaseError, connection, connections, transaction

from imports.models import ImportJob
from imports.pipeline.db_recovery import database_error_transient
from imports.services import import_job_run, import_job_start, import_jobs_recover_stale
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids

pytestmark = pytest.mark.django_db(transaction=True)


def _raise_with(sqlstate: str) -> DatabaseError:
    statement = f"DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{sqlstate}'; END $$"
    with (
        pytest.raises(DatabaseError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    return raised.value


def _terminate(backend_pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        other.close()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def raw_insert_trigger():
    """Make inserts into raw_import_data raise `sqlstate`, the first `times` times."""
    created = []

    def install(sqlstate: str, times: int = 1_000_000) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS test_raw_insert_failures")
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION test_refuse_raw_insert() RETURNS trigger AS $$
                BEGIN
                    IF nextval('test_raw_insert_failures') <= {times} THEN
                        RAISE EXCEPTION 'refused by the test' USING ERRCODE = '{sqlstate}';
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql;
                DROP TRIGGER IF EXISTS test_refuse_raw_insert ON raw_import_data;
                CREATE TRIGGER test_refuse_raw_insert BEFORE INSERT ON raw_import_data
                    FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_raw_insert();
                """
            )
        created.append(True)

    yield install
    if created:
        uninstall()


def uninstall() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS test_refuse_raw_insert ON raw_import_data;"
            "DROP FUNCTION IF EXISTS test_refuse_raw_insert();"
            "DROP SEQUENCE IF EXISTS test_raw_insert_failures;"
        )


@pytest.fixture
def quick_database_retries(settings):
    settings.IMPORT_DATABASE_RETRY_BASE_SECONDS = 0.01
    settings.IMPORT_DATABASE_RETRIES = 3
    return settings


def test_errors_are_classified_by_what_a_later_attempt_can_do():
    assert database_error_transient(_raise_with("40001"))  # serialization failure
    assert database_error_transient(_raise_with("40P01"))  # deadlock
    assert database_error_transient(_raise_with("57P01"))  # server shutting down
    assert database_error_transient(_raise_with("53300"))  # too many connections
    assert not database_error_transient(_raise_with("23505"))  # unique violation
    assert not database_error_transient(_raise_with("23514"))  # check violation
    assert not database_error_transient(_raise_with("42P01"))  # no such table: a bug
    assert not database_error_transient(ValueError("not a database error"))

    _terminate(_backend_pid())
    with pytest.raises(DatabaseError) as lost, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert database_error_transient(lost.value)
    connection.close()


def test_a_connection_lost_mid_run_reconnects_and_lands_every_listing_once(
    make_sandbox, organization, quick_database_retries
):
    sandbox = make_sandbox(products=400)
    connection_row = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_start(connection=connection_row, queue=False)
    terminated = []

    def progress(job):
        if job.stored_count >= 100 and not terminated:  # once, after the first page
            terminated.append(_backend_pid())
            _terminate(terminated[0])

    job = import_job_run(job_id=job.pk, progress=progress)
    assert terminated
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 400
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")
    recovered = job.events.get(error_type="database_error")
    assert recovered.level == "warning" and "reconnected" in recovered.message


def test_a_serialization_failure_is_retried_at_the_page(
    make_sandbox, organization, quick_database_retries, raw_insert_trigger
):
    sandbox = make_sandbox(products=300)
    connection_row = connect_sandbox(sandbox, organization, "tiktokshop")
    raw_insert_trigger("40001", times=2)
    job = import_job_run(job_id=import_job_start(connection=connection_row, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.events.filter(error_type="database_error", level="warning").count() == 2
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 300 == job.stored_count
    assert job.processed_count == 300  # the undone pages were not counted twice


def test_a_constraint_violation_fails_as_database_error_and_waits(
    make_sandbox, organization, quick_database_retries, raw_insert_trigger
):
    sandbox = make_sandbox(products=150)
    connection_row = connect_sandbox(sandbox, organization, "tiktokshop")
    raw_insert_trigger("23514")
    job = import_job_run(job_id=import_job_start(connection=connection_row, queue=False).pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type == "database_error"  # not internal_error
    assert "CheckViolation" in job.error_message
    assert job.auto_resume_at is None  # waiting will not help: it needs a look
    assert not job.events.filter(error_type="database_error", level="warning").exists()


def test_a_database_failing_longer_than_the_retries_resumes_the_job_by_itself(
    make_sandbox, organization, quick_database_retries, raw_insert_trigger
):
    quick_database_retries.IMPORT_AUTO_RESUME_SECONDS = 0
    sandbox = make_sandbox(products=250)
    connection_row = connect_sandbox(sandbox, organization, "tiktokshop")
    raw_insert_trigger("40P01")  # a deadlock, every time
    job = import_job_run(job_id=import_job_start(connection=connection_row, queue=False).pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type == "database_error"
    assert job.events.filter(error_type="database_error", level="warning").count() == 3
    assert job.auto_resume_at is not None

    uninstall()  # the database is fine again
    assert import_jobs_recover_stale() == [job.pk]
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 250
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")
