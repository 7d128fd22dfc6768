"""The README's examples, run as written: each test reads its inputs and the result the README
promises from README.md itself, so a README edited without the code (or the other way round)
fails here."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from config.settings import BASE_DIR
from imports.demo_catalog import demo_catalog_create

README = (BASE_DIR / "README.md").read_text(encoding="utf-8")
PROSE = " ".join(README.replace("\n  ", " ").split())  # line breaks and list indents as spaces

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_fee_rules")]


def rupiah(text: str) -> Decimal:
    """'Rp76.000' (the Indonesian way, as the README writes money) -> Decimal('76000')."""
    return Decimal(re.sub(r"[^\d]", "", text))


@pytest.fixture
def api(owner, organization):
    client = APIClient()
    client.force_authenticate(owner)
    return client


def test_the_search_example_finds_what_the_readme_says_in_the_demo_catalog(api, organization):
    word, product = re.search(r"`(\w+)` finds \*([^*]+)\*", PROSE).groups()
    seed = re.search(r"the demo catalog \(`seed_demo`: (\d+) products, seed (\d+)\)", PROSE)
    size, seed_number = (int(n) for n in seed.groups())
    demo_catalog_create(organization=organization, size=size, seed=seed_number)

    found = api.get("/api/v1/products/", {"q": word, "page_size": 100}).json()["results"]
    names = [row["name"] for row in found]
    assert any(product.lower() in name.lower() for name in names), names
    # Found by its stem: the word as typed is in none of the names.
    assert not any(word.lower() in name.lower() for name in names)
    # And every product of that kind is found, not just one.
    expected = organization.products.filter(name__icontains=product).count()
    assert sum(product.lower() in name.lower() for name in names) == expected > 1


def pricing_example() -> tuple[dict, str]:
    section = README[README.index("Worked example") :]
    body = json.loads(re.search(r"```json\n(.+?)\n```", section, re.S).group(1))
    prose = " ".join(section[: section.index("```")].split())
    return body, prose


def test_the_pricing_example_gives_the_readme_result_through_the_api(api):
    body, prose = pricing_example()
    # Every input the prose names is in the request, and the other way round.
    assert rupiah(re.search(r"costs (Rp[\d.]+)", prose).group(1)) == Decimal(body["cost"])
    assert re.search(r"target margin of (\d+) %", prose).group(1) == body["target_margin"]
    assert re.search(r"at (\d+) %", prose).group(1) == body["program_percent"]
    assert rupiah(re.search(r"capped at (Rp[\d.]+)", prose).group(1)) == Decimal(
        body["program_cap"]
    )
    assert body["on"] in prose and body["platform"].capitalize() in prose
    assert body["category_group"] in prose

    response = api.post("/api/v1/pricing/quote/", body, format="json")
    assert response.status_code == 200, response.content
    quote = response.json()["quotes"][body["platform"]]
    assert quote["error"] is None
    breakdown = quote["breakdown"]
    promised = {
        "list_price": re.search(r"list price of \*\*(Rp[\d.]+)\*\*", prose).group(1),
        "total_fees": re.search(r"fees (Rp[\d.]+)", prose).group(1),
        "payout": re.search(r"payout (Rp[\d.]+)", prose).group(1),
        "profit": re.search(r"profit (Rp[\d.]+)", prose).group(1),
    }
    for field, text in promised.items():
        assert Decimal(breakdown[field]) == rupiah(text), field
    parts = re.search(
        r"\(commission (Rp[\d.]+), program (Rp[\d.]+), PPh 22 (Rp[\d.]+), fixed (Rp[\d.]+)\)", prose
    ).groups()
    fees = ("commission", "program_fee", "pph22", "fixed_fee")
    assert [Decimal(breakdown[f]) for f in fees] == [rupiah(p) for p in parts]
    assert breakdown["margin_percentage"] == re.search(r"margin ([\d.]+) %", prose).group(1)
    # The fee rule the README says was in force that day.
    commission = re.search(r"\((\d+) % commission", prose).group(1)
    assert f" {commission}% (" in quote["fee_rule"] and quote["fee_rule"].startswith("Shopee")
    assert rupiah(re.search(r"the (Rp[\d.]+) order processing fee", prose).group(1)) == Decimal(
        breakdown["fixed_fee"]
    )
