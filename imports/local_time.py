"""Date and time as the admin shows them: in the active time zone, with the zone's name.

Datetimes are stored in UTC; text we build ourselves (list columns, log lines, the job
page's figures) must be converted first, or a seller in Jakarta reads times 7 hours early.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def local_datetime_text(value: datetime | None, *, seconds: bool = False) -> str:
    """E.g. 2026-11-30 10:00 WIB, in the active zone (the user's, else TIME_ZONE); "" for None."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{local.strftime(pattern)} {local.tzname() or ''}".rstrip()
