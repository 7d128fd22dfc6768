"""Timestamps are parsed in C (core.timestamps): the same datetimes Django's loader gave."""

from datetime import UTC, datetime

import psycopg
import pytest
from django.db import DataError, connection
from psycopg.types.datetime import TimestamptzLoader

pytestmark = pytest.mark.django_db

READ = "SELECT value::timestamptz FROM unnest(%s::text[]) AS value"
READ_AS_TEXT = "SELECT value::timestamptz::text FROM unnest(%s::text[]) AS value"
LITERALS = [
    "2024-06-01 10:00:00+07",
    "2024-06-01 10:00:00.5+07",
    "2024-06-01 10:00:00.123456+00",
    "2024-06-01 10:00:00.000001-03:30",
    "1900-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
]


def _read(sql: str, literals: list[str]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, [literals])
        return [row[0] for row in cursor.fetchall()]


def test_timestamps_read_as_psycopgs_own_parser_reads_them():
    read = _read(READ, LITERALS)
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, psycopg.pq.Format.TEXT)
    assert loader.parses_in_c
    # psycopg's own parser on the text PostgreSQL sent, labelled as Django labels it
    texts = _read(READ_AS_TEXT, LITERALS)
    python_loader = TimestamptzLoader(1184, connection.connection)
    expected = [python_loader.load(text.encode()).replace(tzinfo=UTC) for text in texts]
    assert read == expected
    assert all(value.tzinfo is UTC for value in read)
    assert read[1] == datetime(2024, 6, 1, 3, 0, 0, 500000, tzinfo=UTC)


def test_a_timestamp_python_cannot_hold_is_psycopgs_error_as_before():
    for literal in ["0044-03-15 12:00:00+00 BC", "infinity"]:
        with pytest.raises(DataError):
            _read(READ, [literal])


def test_the_repeated_hour_of_a_clock_change_keeps_its_moment():
    """A session in a zone whose clocks go back: 01:30 comes twice, an hour apart."""
    from zoneinfo import ZoneInfo

    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    from core.timestamps import _iso_loader

    new_york = ZoneInfo("America/New_York")

    class NewYorkLoader(BaseTzLoader):
        timezone = new_york

    connection.ensure_connection()
    loader = _iso_loader(NewYorkLoader)(1184, connection.connection)
    first = loader.load(b"2024-11-03 01:30:00-04")
    second = loader.load(b"2024-11-03 01:30:00-05")
    # (an ambiguous local time equals no time of another zone: compared in UTC)
    assert first.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2024, 11, 3, 6, 30, tzinfo=UTC)
    assert (first.fold, second.fold) == (0, 1) and second.tzinfo is new_york
