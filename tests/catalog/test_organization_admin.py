import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_members_see_their_organization_only(client, merchandiser, organization):
    OrganizationFactory(name="Toko Rahasia")
    client.force_login(merchandiser)
    content = client.get(reverse("admin:core_organization_changelist")).content.decode()
    assert "Toko Satu" in content and "Toko Rahasia" not in content


def test_only_owners_change_an_organization(client, merchandiser, owner, organization):
    url = reverse("admin:core_organization_change", args=[organization.pk])
    client.force_login(merchandiser)
    assert b'name="slug"' not in client.get(url).content
    client.force_login(owner)
    assert b'name="slug"' in client.get(url).content
    assert client.get(reverse("admin:core_organization_add")).status_code == 403
