"""The listing quality rubric: blocks, tiers and recommendations."""

from decimal import Decimal

from catalog.quality import QualityInput, assess, tier_for


def test_quality_rubric_tiers_and_recommendations():
    complete = assess(
        QualityInput(
            platform="tiktokshop",
            title="Erigo Kaos Polos Cotton Combed 30s Oversize Hitam",
            brand="Erigo",
            description="Kaos katun adem untuk sehari-hari. " * 8 + "Isi paket 1 kaos.",
            image_count=6,
            attributes={"Merek": "Erigo", "Bahan": "Katun"},
            category="Pakaian Pria",
            weight_kg=Decimal("0.2"),
            dimensions=(Decimal("25"), Decimal("20"), Decimal("2")),
            price=Decimal("99000"),
        )
    )
    assert complete.score == 100 and complete.tier == "good" and complete.findings == []
    weak = assess(
        QualityInput(
            platform="shopee", title="Kaos 🔥 Murah", image_count=2, price=Decimal("99000")
        )
    )
    assert weak.tier == "poor"
    blocks = {f["block"] for f in weak.findings}
    assert blocks == {"title", "images", "description", "attributes", "logistics"}
    assert all(f["recommendation"] for f in weak.findings)
    assert (tier_for(85), tier_for(84), tier_for(60), tier_for(59)) == (
        "good",
        "fair",
        "fair",
        "poor",
    )


def _words_finding(description):
    result = assess(
        QualityInput(
            platform="shopee",
            title="Erigo Kaos Polos Cotton Combed Hitam",
            description=description,
            price=Decimal("99000"),
        )
    )
    return [f for f in result.findings if f["template"].startswith("Write at least 30 words")]


def test_description_words_are_counted_as_far_as_the_advice_needs():
    assert _words_finding(" ".join(["kata"] * 29))[0]["params"] == {"count": 29}
    assert _words_finding("")[0]["params"] == {"count": 0}
    assert _words_finding(" ".join(["kata"] * 30)) == []
    assert _words_finding(" ".join(["kata"] * 4000)) == []
