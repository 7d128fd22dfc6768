"""Keep secrets out of logs, errors and job reports."""

from __future__ import annotations

import logging
import re

SECRET_NAMES = frozenset(
    {
        "sign",
        "access_token",
        "refresh_token",
        "partner_key",
        "app_secret",
        "code",
        "auth_code",
        "x-tts-access-token",
        "authorization",
        "password",
    }
)
MASK = "***"
_QUERY_SECRET = re.compile(
    r"(?P<name>"
    + "|".join(sorted(map(re.escape, SECRET_NAMES), key=len, reverse=True))
    # `%3D`/`%26`: a URL inside another URL's query (a login page's `?next=`) is encoded.
    + r")(?P<sep>=|%3D|\"\s*:\s*\"|'\s*:\s*')(?P<value>(?:(?!%26)[^&\s\"',])+)",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """Mask `name=value` and `"name": "value"` pairs whose name is a secret."""
    return _QUERY_SECRET.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
