"""Issue #19: the seeded fee rules' source notes, stored in English, show in the reader's
language on the fee rules admin; notes anyone typed show as stored."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from pricing.fee_notes import SEEDED_SOURCE_NOTES, source_note
from pricing.models import PlatformFeeConfig
from tests.extra_catalog import indonesian_catalog  # noqa: F401 (a fixture)

SEED = importlib.import_module("pricing.migrations.0002_seed_fee_rules")
INDONESIAN = "Biaya admin kategori A (terjemahan uji)"


def test_every_seeded_note_is_known_and_nothing_else():
    assert {row["source"] for row in SEED.ROWS} == SEEDED_SOURCE_NOTES


@pytest.fixture
def seeded_rule(db):
    return PlatformFeeConfig.objects.filter(
        organization__isnull=True, source=SEED.SHOPEE_2024
    ).first()


@pytest.fixture
def own_copy(seeded_rule, organization):
    """A seeded rule copied into the organization, note included: a viewer reads it on a
    read-only page (only superusers open the defaults themselves)."""
    seeded_rule.pk = None
    seeded_rule.organization = organization
    seeded_rule.save()
    return seeded_rule


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def translated(indonesian_catalog):  # noqa: F811
    """One seeded note translated, as the Indonesian catalog will carry it."""
    indonesian_catalog({SEED.SHOPEE_2024: INDONESIAN})


def test_a_seeded_note_goes_through_gettext_and_a_typed_one_does_not():
    with translation.override("id"):
        for note in SEEDED_SOURCE_NOTES:
            assert source_note(note) == translation.gettext(note)
        # "Default" is a message id of the admin ("Bawaan"): a typed note is not translated.
        assert translation.gettext("Default") != "Default"
        assert source_note("Default") == "Default"


def test_the_read_only_fee_rule_page_shows_the_note_in_indonesian(
    viewer_client, own_copy, translated
):
    url = reverse("admin:pricing_platformfeeconfig_change", args=[own_copy.pk])
    page = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert INDONESIAN in page
    assert SEED.SHOPEE_2024 not in page
    english = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SEED.SHOPEE_2024 in english and INDONESIAN not in english


def test_the_editable_page_keeps_the_stored_note_and_shows_the_translation(
    admin_client, seeded_rule, translated
):
    url = reverse("admin:pricing_platformfeeconfig_change", args=[seeded_rule.pk])
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert INDONESIAN in page
    # The box still holds what is saved: the stored English note.
    assert f"{SEED.SHOPEE_2024}</textarea>" in page


def test_an_edited_note_shows_as_stored(viewer_client, own_copy, translated):
    own_copy.source = SEED.SHOPEE_2024 + " (checked again 2026)"
    own_copy.save(update_fields=["source"])
    url = reverse("admin:pricing_platformfeeconfig_change", args=[own_copy.pk])
    page = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert own_copy.source in page and INDONESIAN not in page
