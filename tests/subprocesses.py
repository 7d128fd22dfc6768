"""Child processes (commands, django-q2 workers) that use the test database."""

from __future__ import annotations

import os
from urllib.parse import quote

from django.db import connection


def test_database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    socket_dir = (settings.get("OPTIONS") or {}).get("host") or ""
    if socket_dir.startswith("/") or (settings["HOST"] or "").startswith("/"):
        return (
            f"postgres://{user}{password}@/{settings['NAME']}?host={socket_dir or settings['HOST']}"
        )
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST']}{port}/{settings['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": test_database_url(), **extra}
