"""Issue #19 (13): generated titles never end on a fragment, and the SEO preview can be left."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from django.urls import reverse

from core.platforms import title_rules
from seo.generator import TitleInput, generate_title
from tests.factories import MasterProductFactory, PlatformMappingFactory


@pytest.mark.parametrize(
    ("name", "brand", "limit", "expected"),
    [
        # "Susun" repeats and is dropped: its "5" must not stay behind on its own.
        (
            "Rak Sepatu 4 Susun Besi Minimalis Mudah Dirakit 5 Susun",
            "Informa",
            100,
            "Informa Rak Sepatu 4 Susun Besi Minimalis Mudah Dirakit",
        ),
        # The limit falls between "5" and "Tingkat".
        (
            "Rak Buku Minimalis Kayu Jati Mudah Dirakit 5 Tingkat Serbaguna",
            "",
            46,
            "Rak Buku Minimalis Kayu Jati Mudah Dirakit",
        ),
        # The limit falls after a connector.
        (
            "Kabel Data USB Type C Fast Charging 3A untuk Samsung Xiaomi Oppo",
            "Robot",
            51,
            "Robot Kabel Data USB Type C Fast Charging 3A",
        ),
        # A title the marketplace already cut mid-word.
        (
            "Lemari Pakaian Plastik 4 Susun Mudah Dira…",
            "Napolly",
            100,
            "Napolly Lemari Pakaian Plastik 4 Susun Mudah",
        ),
        (
            "Sepatu Anak Laki Laki Sneakers Ukuran 30...",
            "",
            100,
            "Sepatu Anak Laki Sneakers Ukuran",
        ),
    ],
)
def test_a_cut_title_does_not_end_on_a_fragment(name, brand, limit, expected):
    title = generate_title(TitleInput(name, brand), **asdict(title_rules("shopee", limit)))
    assert title == expected
    assert len(title) <= limit


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kaos Anak Size 5", "Kaos Anak Size 5"),  # the number is the end of the name
        ("Kopi Bubuk Arabika 250 gram", "Kopi Bubuk Arabika 250 Gram"),
        ("Powerbank 10000mAh Fast Charging 22.5W", "Powerbank 10000mAh Fast Charging 22.5W"),
    ],
)
def test_complete_titles_keep_their_numbers(name, expected):
    assert generate_title(TitleInput(name), **asdict(title_rules("shopee", 100))) == expected


@pytest.mark.django_db
def test_the_seo_preview_has_a_cancel_link_back_to_the_list(merchandiser_client, organization):
    product = MasterProductFactory(organization=organization, name="Rak Sepatu 5 Susun")
    mapping = PlatformMappingFactory(master_product=product, seo_title="Lama")
    changelist = reverse("admin:catalog_masterproduct_changelist")
    page = merchandiser_client.post(
        changelist,
        {"action": "regenerate_seo_titles", "_selected_action": [product.pk]},
    ).content.decode()
    assert 'id="seo-preview"' in page
    form = page[page.index('id="seo-preview"') :]
    assert 'class="button cancel-link"' in form and ">Cancel</a>" in form
    mapping.refresh_from_db()
    assert mapping.seo_title == "Lama"  # the preview wrote nothing
