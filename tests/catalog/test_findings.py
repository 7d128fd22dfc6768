"""Findings are stored in English with their template, and shown in the reader's language."""

from dataclasses import asdict

from django.utils import translation

from catalog.findings import finding_text, findings_html
from catalog.quality import QualityInput, assess
from core.platforms import TITLE_RULES
from seo.lint import lint_title
from seo.scoring import seo_score


def test_a_lint_finding_keeps_its_template_and_values():
    finding = next(
        f for f in lint_title("x" * 120, **asdict(TITLE_RULES["shopee"])) if f.code == "too_long"
    )
    stored = finding.as_dict()
    assert stored["message"] == "Title is 120 characters; the limit is 100"
    assert stored["params"] == {"length": 120, "maximum": 100}
    with translation.override("id"):
        assert finding_text(stored).startswith("Judul 120 karakter; batasnya 100 (")
    with translation.override("en"):
        assert finding_text(stored).startswith("Title is 120 characters; the limit is 100 (")


def test_a_quality_finding_translates_the_title_problems_inside_it():
    result = assess(QualityInput(platform="shopee", title="Kaos PROMO murah Shopee", brand=""))
    fix = next(f for f in result.findings if f["template"].startswith("Fix the title"))
    assert fix["recommendation"].startswith("Fix the title: Promotional words are not allowed")
    with translation.override("id"):
        text = finding_text(fix)
    assert text.startswith("Perbaiki judul: Kata promosi tidak diperbolehkan (PROMO)")
    assert "Nama marketplace atau aplikasi tidak diperbolehkan (Shopee)" in text


def test_seo_reasons_and_old_findings_without_templates():
    reasons = seo_score("Kaos", "shopee", brand="Erigo", **asdict(TITLE_RULES["shopee"])).reasons
    brand = next(r for r in reasons if r["code"] == "brand_not_first")
    assert brand["message"] == "Put the brand (Erigo) first"
    with translation.override("id"):
        assert finding_text(brand) == "Letakkan merek (Erigo) di depan"
        # Stored before templates were kept: a fixed sentence still translates, others stay.
        assert finding_text({"recommendation": "Choose a category"}) == "Pilih kategori"
        assert finding_text({"recommendation": "Something new"}) == "Something new"
        html = findings_html([{"recommendation": "Choose a category", "points": -5}])
    assert html == '<ul class="findings"><li>Pilih kategori <b>-5</b></li></ul>'
