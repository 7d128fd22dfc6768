"""Generated titles: within limits, never breaking a rule, brand first, deterministic."""

from dataclasses import asdict

import pytest

from core.platforms import TITLE_RULES, title_rules
from imports.sandbox.catalog import DirtRates, SellerCatalog
from seo.generator import TitleInput, generate_title
from seo.keywords import normalize, rank_keywords
from seo.lint import lint_title

CATALOG = SellerCatalog.generate(seed=7, products=400, dirt=DirtRates(promo_title=0.5))


def _inputs():
    for index in range(400):
        listing = CATALOG.shopee.listing(index)
        spec = listing.spec
        brand = "" if spec.brand == "NoBrand" else spec.brand
        yield TitleInput(listing.title, brand, spec.category, spec.subcategory)


@pytest.mark.parametrize(
    ("platform", "limit"),
    [("shopee", 100), ("shopee", 40), ("tiktokshop", 255), ("tiktokshop", 60)],
)
def test_generated_titles_keep_every_rule(platform, limit):
    dirty = 0
    for source in _inputs():
        dirty += bool(lint_title(source.name, **asdict(TITLE_RULES["shopee"])))
        rules = title_rules(platform, limit)
        title = generate_title(source, **asdict(rules))
        assert len(title) <= limit
        errors = {f.code for f in lint_title(title, **asdict(rules)) if f.severity == "error"}
        assert errors <= {"too_short"}, (source.name, title, errors)
        if source.brand:
            assert title.startswith(source.brand), (source.brand, title)
        assert title == generate_title(source, **asdict(rules))  # deterministic
        words = [w.casefold() for w in title.split()]
        assert len(words) == len(set(words))  # no repeated words
    assert dirty > 100  # the sandbox gave us promo words and emoji to clean up


def test_generator_cleans_promo_and_keeps_units_and_brand_spelling():
    title = generate_title(
        TitleInput("🔥PROMO🔥 anker power bank 10000mAh 22.5W murah COD", brand="Anker"),
        **asdict(TITLE_RULES["shopee"]),
    )
    assert title == "Anker Power Bank 10000mAh 22.5W"


def test_tiktok_titles_reach_25_characters_from_the_category():
    title = generate_title(
        TitleInput("Topi Rajut", category="Aksesoris Fashion", subcategory="Topi Pria"),
        **asdict(TITLE_RULES["tiktokshop"]),
    )
    assert title == "Topi Rajut Pria Aksesoris Fashion" and len(title) >= 25


def test_keywords_skip_stopwords_and_prefer_telling_terms():
    assert normalize("Kaos yang murah dan bagus untuk pria") == ["kaos", "pria"]
    frequency = {
        "kaos": 90,
        "polos": 40,
        "oversize": 2,
        "kaos polos": 30,
        "pakaian": 95,
        "pria": 95,
        "pakaian pria": 95,
        "polos oversize": 2,
    }
    keywords = rank_keywords(["Kaos Polos Oversize", "Pakaian Pria", "Kaos"], frequency, 100)
    # Rare in the catalog, so it says the most; common category words come last.
    assert any("oversize" in keyword for keyword in keywords[:2])
    assert keywords.index("pakaian pria") > keywords.index("kaos polos")
    assert "kaos polos" in keywords
    assert len(keywords) <= 12
