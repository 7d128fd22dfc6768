"""One listing's SEO in one pure call: title, keywords, score, within the limits given."""

from collections import Counter

from seo.generator import TitleInput
from seo.titles import seo_compute


def test_the_title_keywords_and_score_come_from_one_call():
    source = TitleInput("🔥PROMO kaos polos erigo murah", "Erigo", "Pakaian Pria", "Kaos")
    result = seo_compute(
        source,
        platform="shopee",
        texts=[source.name, source.category, source.subcategory, source.brand],
        document_frequency=Counter({"kaos": 40, "pria": 50}),
        documents=50,
        min_length=5,
        max_length=100,
    )
    assert result.title == "Erigo Kaos Polos"
    assert result.keywords[0] == "erigo" and "kaos polos" in result.keywords  # rare terms first
    assert result.score < 85 and any(r["code"] == "short" for r in result.reasons)


def test_the_limits_given_are_the_limits_kept():
    source = TitleInput("Kaos Polos Cotton Combed Oversize Unisex", "Erigo")
    result = seo_compute(
        source,
        platform="shopee",
        texts=[source.name],
        document_frequency={},
        documents=1,
        min_length=5,
        max_length=20,
    )
    assert len(result.title) <= 20 and result.title.startswith("Erigo")
