"""Timestamps read from PostgreSQL by `datetime.fromisoformat` (C) instead of psycopg's
pure-Python parser, which Django's time-zone loader subclasses: that parser was a twentieth of
an API request's CPU (a page of products reads 150 timestamps).

The loader keeps Django's contract (`timezone`, what create_cursor compares) and its result:
the moment PostgreSQL sends, in the connection's time zone (Django keeps the session in it), or
its wall clock without a zone when USE_TZ is off. Text that is not ISO 8601 (infinity, BC
dates, another DateStyle) goes to psycopg's parser as before, errors included.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import is_psycopg3

TIMESTAMPTZ = "timestamptz"


@functools.cache  # one class per loader class Django registers (one per time zone)
def _iso_loader(base: type) -> type:
    class IsoTimestamptzLoader(base):
        parses_in_c = True

        def load(self, data: Any) -> datetime:
            try:
                parsed = datetime.fromisoformat(bytes(data).decode())
            except ValueError:
                return super().load(data)
            if self.timezone is None:  # USE_TZ = False: the session's wall clock, naive
                return parsed.replace(tzinfo=None)
            # The session runs in Django's zone; astimezone keeps the second of a repeated
            # hour apart from the first (its fold), which relabelling would lose.
            return parsed.astimezone(self.timezone)

    return IsoTimestamptzLoader


def read_timestamps_in_c(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created: the connection's timestamptz loader, parsing in C."""
    if connection.vendor != "postgresql" or not is_psycopg3:
        return
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    oid = adapters.types[TIMESTAMPTZ].oid
    current = adapters.get_loader(oid, Format.TEXT)
    if current is None or getattr(current, "parses_in_c", False):
        return
    if not hasattr(current, "timezone"):  # not Django's loader: left as it is
        return
    adapters.register_loader(TIMESTAMPTZ, _iso_loader(current))
