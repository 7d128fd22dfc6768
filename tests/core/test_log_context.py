"""Structured logs carry their context; secrets never reach a log line."""

import json
import logging
import os
import subprocess
import sys

from config.settings import BASE_DIR
from core.log_context import ContextFilter, JsonFormatter, log_context
from imports.clients.redaction import RedactingFilter


def _format(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("imports.pipeline", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    ContextFilter().filter(record)
    RedactingFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_lines_carry_job_connection_platform_and_request_ids():
    with log_context(job_id=7, connection_id=3, platform="shopee"), log_context(request_id="req-1"):
        line = _format("page %s stored", 2, marketplace_request_id="abc123")
    assert line["message"] == "page 2 stored"
    assert (line["job_id"], line["connection_id"], line["platform"]) == (7, 3, "shopee")
    assert line["request_id"] == "req-1" and line["marketplace_request_id"] == "abc123"
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "job_id" not in _format("outside any job")


def test_secrets_are_masked_before_formatting():
    line = _format("GET /api?access_token=%s&sign=%s&shop_id=1", "tok-123", "sig-456")
    assert "tok-123" not in line["message"] and "sig-456" not in line["message"]
    assert "shop_id=1" in line["message"]


def test_log_format_json_is_used_by_the_app_and_requests_get_an_id():
    script = (
        "import django, logging, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "django.setup(); logging.getLogger('imports.pipeline').warning("
        "'refresh_token=%s expired', 'secret-rt')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOG_FORMAT": "json"},
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["logger"] == "imports.pipeline" and "secret-rt" not in line["message"]
