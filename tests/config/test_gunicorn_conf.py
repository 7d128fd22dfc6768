"""The servers' own access logs are masked too (issue #18, part 4).

runserver and gunicorn write their request lines outside the app's loggers; the reproduction
found the OAuth callback's `code=` (and a signed call's `access_token=…&sign=…`) in them.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.subprocesses import child_env, free_port, stop_process_group, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SECRET_CODE = "oauth-code-7f3a9c"
SECRET_TOKEN = "access-token-51b2e8"
SECRET_SIGN = "signature-0c4d77"
QUERY = f"?code={SECRET_CODE}&state=s&shop_id=1&access_token={SECRET_TOKEN}&sign={SECRET_SIGN}"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _serve_and_call(command: list[str], port: int) -> str:
    """Start the server, call the OAuth callback with secrets in the query, return its output."""
    server = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=child_env(LOG_LEVEL="INFO"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _get(f"{base}/api/health/") != 0, 60, "the server to listen")
        assert _get(f"{base}/imports/oauth/shopee/callback/{QUERY}") in (200, 302)
    finally:
        stop_process_group(server)
    return server.stdout.read()


def _assert_masked(output: str) -> None:
    assert "/imports/oauth/shopee/callback/" in output, output[-2000:]  # the line was logged
    for secret in (SECRET_CODE, SECRET_TOKEN, SECRET_SIGN):
        assert secret not in output
    assert "code=***" in output and "sign=***" in output
    assert "shop_id=1" in output  # only secrets are masked


def test_runserver_request_lines_are_masked():
    port = free_port()
    output = _serve_and_call(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], port
    )
    _assert_masked(output)


def test_gunicorn_access_log_is_masked():
    port = free_port()
    output = _serve_and_call(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-c",
            "config/gunicorn_conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        port,
    )
    _assert_masked(output)
