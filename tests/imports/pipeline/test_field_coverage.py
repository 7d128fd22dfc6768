"""The field coverage report: which fields the payloads have, how often empty, of what types."""

from imports.pipeline.analyse import CoverageCounter

PAYLOADS = [
    {
        "name": "Kaos",
        "price": 150000.0,
        "stock": "-",
        "tags": [],
        "attrs": {"brand": "", "size": "XL"},
        "models": [{"sku": "A-1", "price": 1}, {"sku": "", "price": None}],
    },
    {
        "name": "",
        "price": "150.000",
        "stock": 5,
        "tags": ["a", None],
        "attrs": {},
        "models": [{"sku": "", "price": 2}],
    },
    {
        "name": "Kemeja " * 20,
        "deep": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}},
        "many": list(range(30)),
        "flag": False,
    },
]


def _report(payloads=PAYLOADS):
    counter = CoverageCounter()
    for payload in payloads:
        counter.add(payload)
    return counter.report()


def test_presence_emptiness_types_and_examples_per_field():
    fields = _report()["fields"]
    assert fields["name"] == {
        "present": 3,
        "empty": 1,
        "types": {"string": 3},
        "examples": ["Kaos", ("Kemeja " * 20)[:60]],
        "coverage": 100.0,
        "odd_types": False,
    }
    # Types and examples come from a field's first value in each payload.
    assert fields["price"]["types"] == {"float": 1, "string": 1}
    assert fields["price"]["examples"] == ["150000.0", "150.000"]
    assert fields["price"]["odd_types"] is True
    assert fields["stock"] == {
        "present": 2,
        "empty": 1,  # "-" is empty
        "types": {"string": 1, "int": 1},
        "examples": ["5"],
        "coverage": 66.7,
        "odd_types": True,
    }
    # A field is empty in a payload only when all its values there are.
    assert fields["models[].sku"]["empty"] == 1
    assert fields["models[].sku"]["examples"] == ["A-1"]
    assert fields["models[].price"]["types"] == {"int": 2}
    assert fields["tags"]["empty"] == 1 and fields["tags[]"]["present"] == 1
    assert fields["attrs"]["empty"] == 1 and fields["attrs.brand"]["empty"] == 1
    assert fields["flag"]["examples"] == ["False"]


def test_depth_is_capped_and_paths_are_sorted():
    report = _report()
    assert report["records"] == 3
    assert "deep.a.b.c.d.e" in report["fields"]
    assert "deep.a.b.c.d.e.f" not in report["fields"]
    assert list(report["fields"]) == sorted(report["fields"])


def test_a_resumed_count_ends_where_one_count_does():
    whole = _report(PAYLOADS * 2)
    counter = CoverageCounter.from_report(_report(PAYLOADS))
    for payload in PAYLOADS:
        counter.add(payload)
    assert counter.report() == whole


def test_pages_counted_apart_and_merged_report_what_one_count_does():
    # The fetching thread counts each page on its own; the writer adds it to the job's count.
    payloads = PAYLOADS * 2 + [{"name": "Celana", "price": 1, "stock": None}] + PAYLOADS
    for split in range(len(payloads) + 1):
        merged = CoverageCounter()
        for page in (payloads[:split], payloads[split:]):
            counted = CoverageCounter()
            for payload in page:
                counted.add(payload)
            merged.merge(counted)
        assert merged.report() == _report(payloads), split
