"""Timestamps read from PostgreSQL by `datetime.fromisoformat` (C) instead of psycopg's
pure-Python parser, which Django's time-zone loader subclasses: that parser was a twentieth of
an API request's CPU (a page of products reads 150 timestamps).

The loader keeps Django's contract (`timezone`, what create_cursor compares) and its result:
the wall-clock time PostgreSQL sends, labelled with the connection's time zone. Text that is
not ISO 8601 (infinity, BC dates, another DateStyle) goes to psycopg's parser as before,
errors included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TIMESTAMPTZ = "timestamptz"


def _iso_loader(base: type) -> type:
    class IsoTimestamptzLoader(base):
        def load(self, data: Any) -> datetime:
            try:
                parsed = datetime.fromisoformat(bytes(data).decode())
            except ValueError:
                return super().load(data)
            return parsed.replace(tzinfo=self.timezone)

    return IsoTimestamptzLoader


def read_timestamps_in_c(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created: the connection's timestamptz loader, parsing in C."""
    if connection.vendor != "postgresql":
        return
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    oid = adapters.types[TIMESTAMPTZ].oid
    current = adapters.get_loader(oid, Format.TEXT)
    if current is None or getattr(current, "parses_in_c", False):
        return
    loader = _iso_loader(current)
    loader.parses_in_c = True
    adapters.register_loader(TIMESTAMPTZ, loader)
