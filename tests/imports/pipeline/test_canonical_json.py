"""The raw payload's canonical JSON (its content hash) is json.dumps's, whoever writes it.

Re-imports compare content hashes with ones stored before orjson wrote the canonical form: a
payload whose bytes came out differently would read as changed.
"""

import hashlib
import json
import math

import pytest

from imports.models import RawImportRecord
from imports.pipeline.raw_store import canonical_json, content_hash
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox


def json_dumps_canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def floats_of_every_magnitude():
    values = [0.0, -0.0, 0.1, 1 / 3, 150000.0, 5e-324, 1.7976931348623157e308]
    for exponent in range(-320, 309, 1):
        for mantissa in (1.0, 1.5, 9.87654321, 2.5):
            value = mantissa * 10.0**exponent
            if math.isfinite(value):
                values += [value, -value]
    return values


ODD_PAYLOADS = [
    {"float": floats_of_every_magnitude()},
    {"text": '\x00\x01\x1f\x7f \u2028\u2029 "\\/ \b\f\n\r\t é 😀 0.00001 1e-7 e-commerce'},
    {"B": 1, "a": 2, "é": 3, "Z": 4, "aa": 5, "a\x00": 6, "": 7, "😀": 8, "\uff41": 9},
    {"huge": 2**70, "small": -(2**63), "large": 2**63 - 1, "bool": [True, False, None]},
    {10: "int keys", 9: {"deep": [[[[[{"x": 1.25}]]]]]}},
    {"price": 150000.0, "ratio": 0.00005, "tiny": 1.5e-7, "list": [], "object": {}},
    ["a list", 1, 2.5],
    "a string",
    12345,
]


@pytest.mark.parametrize("payload", ODD_PAYLOADS, ids=range(len(ODD_PAYLOADS)))
def test_odd_payloads_have_the_canonical_form_json_dumps_writes(payload):
    assert canonical_json(payload) == json_dumps_canonical(payload)
    assert content_hash(payload) == hashlib.sha256(json_dumps_canonical(payload)).hexdigest()


def test_what_json_dumps_cannot_write_still_fails():
    with pytest.raises(UnicodeEncodeError):
        content_hash({"lone surrogate": "\ud800"})
    with pytest.raises(TypeError):
        content_hash({"not json": {1, 2}})


@pytest.mark.parametrize("profile", ["default", "dirty-seller"])
def test_sandbox_payloads_keep_the_hash_json_dumps_gave_them(make_sandbox, organization, profile):
    sandbox = make_sandbox(products=120, profile=profile, seed=5)
    for platform in ("shopee", "tiktokshop"):
        job = import_job_start(
            connection=connect_sandbox(sandbox, organization, platform), queue=False
        )
        import_job_run(job_id=job.pk)
    raws = list(RawImportRecord.objects.filter(organization=organization))
    assert len(raws) == 240
    for raw in raws:
        expected = json_dumps_canonical(raw.raw_data)
        assert canonical_json(raw.raw_data) == expected
        assert raw.content_hash == hashlib.sha256(expected).hexdigest()


@pytest.mark.django_db
def test_rows_copied_with_their_canonical_json_store_what_bulk_create_stores(organization):
    """A fetched payload is stored from the canonical JSON made for its hash, not encoded a
    second time: PostgreSQL must end up with the same value as from Django's own JSON."""
    from django.db import connection

    from core.bulk import copy_insert
    from imports.models import ImportJob
    from imports.pipeline.catalog_build import RAW_COPY_FIELDS
    from imports.pipeline.raw_store import raw_records_prepare, written_json

    job = ImportJob.objects.create(organization=organization, platform="shopee")
    storable = [p for p in ODD_PAYLOADS if "\\u0000" not in json.dumps(p)]  # jsonb refuses NUL
    records = [(f"p{n}", payload) for n, payload in enumerate(storable)]
    rows, new = raw_records_prepare(job=job, records=records)
    assert new == len(storable)
    assert [written_json(row) for row in rows] == [
        json_dumps_canonical(payload).decode() for payload in storable
    ]
    copy_insert(RawImportRecord, rows, RAW_COPY_FIELDS, written={"raw_data": written_json})
    twins = [
        RawImportRecord(
            import_job=job,
            organization=organization,
            platform="shopee",
            platform_product_id=f"orm{n}",
            raw_data=payload,
            content_hash="x",
        )
        for n, payload in enumerate(storable)
    ]
    RawImportRecord.objects.bulk_create(twins)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT platform_product_id, raw_data::text FROM raw_import_data"
            " WHERE import_job_id = %s",
            [job.pk],
        )
        stored = dict(cursor.fetchall())
    for n in range(len(storable)):
        assert stored[f"p{n}"] == stored[f"orm{n}"], n


@pytest.mark.django_db
def test_a_payload_only_json_dumps_can_write_is_encoded_again_for_its_row(organization):
    """NaN reaches a payload through json.loads; with a float orjson spells otherwise, its
    canonical form is json.dumps's `NaN`, which jsonb refuses: the row is stored from its
    payload instead (NaN as null), and a row whose payload was replaced is too."""
    from core.bulk import copy_insert
    from imports.models import ImportJob
    from imports.pipeline.catalog_build import RAW_COPY_FIELDS
    from imports.pipeline.raw_store import raw_records_prepare, written_json

    job = ImportJob.objects.create(organization=organization, platform="shopee")
    odd = {"price": math.nan, "note": "diskon 0.00001"}
    assert b"NaN" in canonical_json(odd)
    rows, _new = raw_records_prepare(job=job, records=[("nan", odd), ("later", {"a": 1})])
    assert written_json(rows[0]) is None and written_json(rows[1]) == '{"a":1}'
    rows[1].raw_data = {"a": 2}
    assert written_json(rows[1]) is None
    copy_insert(RawImportRecord, rows, RAW_COPY_FIELDS, written={"raw_data": written_json})
    stored = dict(RawImportRecord.objects.values_list("platform_product_id", "raw_data"))
    assert stored == {"nan": {"price": None, "note": "diskon 0.00001"}, "later": {"a": 2}}
