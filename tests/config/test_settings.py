"""Production settings refuse insecure defaults."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from config.settings import BASE_DIR

LOAD = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
    "from django.conf import settings; print(settings.DEBUG)"
)


def _load(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base["DATABASE_URL"] = "postgres://u:p@127.0.0.1:1/none"  # never connected to here
    base.pop("FIELD_ENCRYPTION_KEY", None)
    return subprocess.run(
        [sys.executable, "-c", LOAD],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_local_defaults():
    result = _load(DJANGO_DEBUG="False")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "FIELD_ENCRYPTION_KEY must be set" in result.stderr


def test_production_refuses_a_wildcard_host():
    result = _load(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="x" * 60,
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DJANGO_ALLOWED_HOSTS="*",
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list the real host names" in result.stderr


def test_production_starts_when_configured():
    result = _load(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="k" * 60,
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DJANGO_ALLOWED_HOSTS="syncstore.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_local_defaults_start_in_debug_with_a_generated_encryption_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", LOAD + "; print(len(settings.FIELD_ENCRYPTION_KEY))"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DATABASE_URL": "postgres://u:p@127.0.0.1:1/none",
            "SYNCSTORE_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "44"]
    assert oct((tmp_path / "field_encryption.key").stat().st_mode & 0o777) == "0o600"


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": "s" * 30 + "Q8#k" + "z" * 30,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DJANGO_ALLOWED_HOSTS": "syncstore.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


QUERY = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "django.setup(); from django.db import connection; c = connection.cursor(); "
)


def test_statement_timeout_cancels_runaway_queries():
    from tests.subprocesses import test_database_url

    result = subprocess.run(
        [sys.executable, "-c", QUERY + "c.execute('SELECT pg_sleep(2)')"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "DATABASE_STATEMENT_TIMEOUT_MS": "100",
        },
    )
    assert result.returncode != 0 and "statement timeout" in result.stderr


def test_connection_pool_serves_queries():
    from tests.subprocesses import test_database_url

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            QUERY + "c.execute('SELECT 41 + 1'); print(c.fetchone()[0]);"
            "print(type(connection.pool).__name__)",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DATABASE_URL": test_database_url(), "DATABASE_POOL": "True"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", "ConnectionPool"]
