"""Empty lists say what to do next instead of showing a blank table."""

import pytest
from django.urls import reverse

from tests.factories import MasterProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "says"),
    [
        ("admin:catalog_masterproduct_changelist", "No products yet"),
        ("admin:catalog_matchreview_changelist", "Nothing to review"),
        ("admin:imports_importjob_changelist", "No imports yet"),
        ("admin:imports_channelconnection_changelist", "No shops connected yet"),
        ("admin:imports_rawimportrecord_changelist", "No raw payloads yet"),
        ("admin:catalog_platformmapping_changelist", "No listings yet"),
    ],
)
def test_an_empty_list_says_what_to_do_next(owner, client, url_name, says):
    client.force_login(owner)
    page = client.get(reverse(url_name)).content.decode()
    assert 'id="empty-state"' in page and says in page


def test_the_products_empty_state_links_to_the_connections(owner, client):
    client.force_login(owner)
    page = client.get(reverse("admin:catalog_masterproduct_changelist")).content.decode()
    assert reverse("admin:imports_channelconnection_changelist") in page


def test_a_search_with_no_results_keeps_the_usual_list(owner, client, organization):
    MasterProductFactory(organization=organization, name="Kaos Polos")
    client.force_login(owner)
    url = reverse("admin:catalog_masterproduct_changelist")
    assert 'id="empty-state"' not in client.get(url).content.decode()  # not empty
    page = client.get(url, {"q": "tidak-ada-yang-cocok"}).content.decode()
    assert 'id="empty-state"' not in page and "0 master products" in page
