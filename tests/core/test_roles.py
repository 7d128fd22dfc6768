"""Issue #18 part 9: what each role may do, in the admin and in the API alike.

EXPECTED is written out here, not read from core/roles.py: the first test holds the code's
table to it, the others do each capability for real, as each role, through the admin and
(where the API offers it) the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import MasterProduct, PlatformMapping
from core.models import Membership
from core.roles import ALLOWED_ROLES, Capability
from imports.models import ChannelConnection, ImportJob
from imports.publishing.models import PublishJob
from tests.api_clients import token_client
from tests.factories import (
    ImportJobFactory,
    MasterProductFactory,
    MembershipFactory,
    OrganizationFactory,
    PlatformMappingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("viewer", "merchandiser", "owner", "non-member")

# capability:            viewer, merchandiser, owner, non-member
EXPECTED: dict[str, tuple[bool, bool, bool, bool]] = {
    "view": (True, True, True, False),
    "quote_prices": (True, True, True, False),
    "edit_catalog": (False, True, True, False),
    "review_matches": (False, True, True, False),
    "rematch_catalog": (False, True, True, False),
    "recalculate_prices": (False, True, True, False),
    "run_imports": (False, True, True, False),
    "publish": (False, True, True, False),
    "test_connections": (False, True, True, False),
    "manage_connections": (False, False, True, False),
    "delete": (False, False, True, False),
    "manage_members": (False, False, True, False),
}


def test_the_role_table_is_the_documented_one():
    actual = {
        str(capability): (*(role in ALLOWED_ROLES[capability] for role in ROLES[:3]), False)
        for capability in Capability
    }
    assert actual == EXPECTED


class World:
    """Organization A with one of everything; `user` holds `role` in A (or is no member)."""

    def __init__(self, role: str) -> None:
        self.org = OrganizationFactory(name="Toko A", slug="toko-a")
        self.product = MasterProductFactory(organization=self.org, cost_price=Decimal("50000"))
        self.mapping = PlatformMappingFactory(
            master_product=MasterProductFactory(organization=self.org),
            organization=self.org,
            review_status=PlatformMapping.ReviewStatus.NEEDS_REVIEW,
            match_method=PlatformMapping.MatchMethod.SIMILARITY,
            match_confidence=Decimal("0.9"),
        )
        # Loopback port 9: a connection test fails fast, offline, as a marketplace error.
        self.connection = ChannelConnection.objects.create(
            organization=self.org,
            platform="shopee",
            name="Toko A Shopee",
            base_url="http://127.0.0.1:9",
            partner_id=1,
            partner_key="k",
            shop_id="1",
        )
        self.job = ImportJobFactory(
            organization=self.org, connection=self.connection, status=ImportJob.Status.RUNNING
        )
        MembershipFactory(
            user=UserFactory(username="founder"), organization=self.org, role=Membership.Role.OWNER
        )
        self.newcomer = UserFactory(username="newcomer")  # staff, not yet a member
        self.user = UserFactory(username=f"as-{role}")
        if role != "non-member":
            MembershipFactory(user=self.user, organization=self.org, role=role)
        self.admin = Client()
        self.admin.force_login(self.user)
        self.api: APIClient = token_client(self.user)

    def action(self, model: str, name: str, pk, **extra) -> object:
        return self.admin.post(
            reverse(f"admin:{model}_changelist"),
            {"action": name, "_selected_action": [pk], **extra},
            follow=True,
        )


def _templates(response) -> set[str]:
    return {t.name for t in getattr(response, "templates", []) if t.name}


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the admin: each probe does the thing and says whether it happened --------------------
def admin_view(w: World) -> bool:
    url = reverse("admin:catalog_masterproduct_change", args=[w.product.pk])
    return w.admin.get(url).status_code == 200


def admin_quote_prices(w: World) -> bool:
    response = w.admin.get(reverse("admin:pricing_simulator"), {"cost": "50000"})
    return response.status_code == 200


def admin_edit_catalog(w: World) -> bool:
    w.action("catalog_masterproduct", "mark_archived", w.product.pk)
    return MasterProduct.objects.get(pk=w.product.pk).status == MasterProduct.Status.ARCHIVED


def admin_review_matches(w: World) -> bool:
    w.admin.post(reverse("admin:catalog_matchreview_confirm", args=[w.mapping.pk]))
    confirmed = PlatformMapping.ReviewStatus.CONFIRMED
    return PlatformMapping.objects.get(pk=w.mapping.pk).review_status == confirmed


def admin_rematch_catalog(w: World) -> bool:
    response = w.action("core_organization", "rematch_catalog_action", w.org.pk)
    # The dry run's report for A (an empty selection would render the page with none).
    return "admin/catalog/rematch.html" in _templates(response) and [
        organization for organization, *_rest in response.context["reports"]
    ] == [w.org]


def admin_recalculate_prices(w: World) -> bool:
    product = w.mapping.master_product
    response = w.action("catalog_masterproduct", "recalculate_prices", product.pk)
    # The preview lists A's listing (an empty selection would render the page with none).
    return "admin/catalog/recalculate_prices.html" in _templates(response) and [
        change.mapping.pk for change in response.context["changes"]
    ] == [w.mapping.pk]


def admin_run_imports(w: World) -> bool:
    w.admin.post(reverse("admin:imports_importjob_cancel", args=[w.job.pk]))
    return ImportJob.objects.get(pk=w.job.pk).cancel_requested


def admin_publish(w: World) -> bool:
    job = PublishJob.objects.create(
        organization=w.org, connection=w.connection, platform="shopee", kinds=["price"]
    )
    w.admin.post(reverse("admin:imports_publishjob_cancel", args=[job.pk]))
    return PublishJob.objects.get(pk=job.pk).status == PublishJob.Status.CANCELLED


def admin_test_connections(w: World) -> bool:
    response = w.action("imports_channelconnection", "test_connection", w.connection.pk)
    return f"{w.connection}:" in _messages(response)


def admin_manage_connections(w: World) -> bool:
    url = reverse("admin:imports_channelconnection_change", args=[w.connection.pk])
    response = w.admin.get(url)
    return response.status_code == 200 and b'name="name"' in response.content


def admin_delete(w: World) -> bool:
    url = reverse("admin:catalog_masterproduct_delete", args=[w.product.pk])
    w.admin.post(url, {"post": "yes"})
    return not MasterProduct.objects.filter(pk=w.product.pk).exists()


def admin_manage_members(w: World) -> bool:
    members = list(Membership.objects.filter(organization=w.org).order_by("pk"))
    data = {
        "name": w.org.name,
        "slug": w.org.slug,
        "memberships-TOTAL_FORMS": str(len(members) + 1),
        "memberships-INITIAL_FORMS": str(len(members)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate([*members, None]):
        data[f"memberships-{i}-id"] = member.pk if member else ""
        data[f"memberships-{i}-organization"] = w.org.pk
        data[f"memberships-{i}-user"] = member.user_id if member else w.newcomer.pk
        data[f"memberships-{i}-role"] = member.role if member else "viewer"
    w.admin.post(reverse("admin:core_organization_change", args=[w.org.pk]), data)
    return Membership.objects.filter(user=w.newcomer, organization=w.org).exists()


# --- the API, where it offers the capability ----------------------------------------------
def api_view(w: World) -> bool:
    return w.api.get(f"/api/v1/products/{w.product.pk}/").status_code == 200


def api_quote_prices(w: World) -> bool:
    return (
        w.api.post("/api/v1/pricing/quote/", {"price": "100000"}, format="json").status_code == 200
    )


def api_edit_catalog(w: World) -> bool:
    w.api.patch(f"/api/v1/products/{w.product.pk}/", {"name": "Diubah lewat API"}, format="json")
    return MasterProduct.objects.get(pk=w.product.pk).name == "Diubah lewat API"


def api_review_matches(w: World) -> bool:
    w.api.post(f"/api/v1/mappings/{w.mapping.pk}/confirm/")
    confirmed = PlatformMapping.ReviewStatus.CONFIRMED
    return PlatformMapping.objects.get(pk=w.mapping.pk).review_status == confirmed


def api_run_imports(w: World) -> bool:
    w.api.post(f"/api/v1/import-jobs/{w.job.pk}/cancel/")
    return ImportJob.objects.get(pk=w.job.pk).cancel_requested


def api_publish(w: World) -> bool:
    job = PublishJob.objects.create(
        organization=w.org, connection=w.connection, platform="shopee", kinds=["price"]
    )
    w.api.post(f"/api/v1/publish-jobs/{job.pk}/cancel/")
    return PublishJob.objects.get(pk=job.pk).status == PublishJob.Status.CANCELLED


def api_test_connections(w: World) -> bool:
    response = w.api.post(f"/api/v1/connections/{w.connection.pk}/test/")
    # The test itself fails (nothing listens), as a marketplace error: it was allowed to run.
    return response.status_code == 502 and response.json()["ok"] is False


ADMIN: dict[str, Callable[[World], bool]] = {
    "view": admin_view,
    "quote_prices": admin_quote_prices,
    "edit_catalog": admin_edit_catalog,
    "review_matches": admin_review_matches,
    "rematch_catalog": admin_rematch_catalog,
    "recalculate_prices": admin_recalculate_prices,
    "run_imports": admin_run_imports,
    "publish": admin_publish,
    "test_connections": admin_test_connections,
    "manage_connections": admin_manage_connections,
    "delete": admin_delete,
    "manage_members": admin_manage_members,
}
API: dict[str, Callable[[World], bool]] = {
    "view": api_view,
    "quote_prices": api_quote_prices,
    "edit_catalog": api_edit_catalog,
    "review_matches": api_review_matches,
    "run_imports": api_run_imports,
    "publish": api_publish,
    "test_connections": api_test_connections,
}
CASES = [(cap, i, role) for cap in EXPECTED for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("capability", "index", "role"), CASES, ids=[f"{c}-{r}" for c, _i, r in CASES]
)
def test_admin_follows_the_role_table(capability: str, index: int, role: str):
    assert ADMIN[capability](World(role)) is EXPECTED[capability][index]


API_CASES = [case for case in CASES if case[0] in API]


@pytest.mark.parametrize(
    ("capability", "index", "role"), API_CASES, ids=[f"{c}-{r}" for c, _i, r in API_CASES]
)
def test_api_follows_the_role_table(capability: str, index: int, role: str):
    assert API[capability](World(role)) is EXPECTED[capability][index]


def test_every_capability_has_an_admin_probe():
    assert set(ADMIN) == set(EXPECTED)


def test_a_superuser_may_do_everything_in_the_admin():
    world = World("non-member")
    world.user.is_superuser = True
    world.user.save()
    assert all(probe(world) for name, probe in ADMIN.items() if name != "delete")
    assert admin_delete(world)


def test_no_capability_crosses_organizations():
    """An owner elsewhere is a non-member here: refused everything about organization A."""
    world = World("non-member")
    MembershipFactory(user=world.user, organization=OrganizationFactory(), role="owner")
    # The calculator is not about an organization's rows: it answers for their own.
    probes = {
        **{f"admin {k}": v for k, v in ADMIN.items()},
        **{f"api {k}": v for k, v in API.items()},
    }
    allowed = [name for name, probe in probes.items() if "quote" not in name and probe(world)]
    assert allowed == []


# --- managing members (owners, in the admin) ----------------------------------------------
def test_owners_find_members_by_username_only(client):
    world = World("owner")
    UserFactory(username="stranger", email="stranger@example.com")
    UserFactory(username="newbie", is_staff=False)
    url = reverse("admin:core_organization_member_autocomplete")
    client.force_login(world.user)

    def texts(term: str) -> list[str]:
        response = client.get(url, {"term": term})
        assert response.status_code == 200
        return [row["text"] for row in response.json()["results"]]

    assert texts("") == ["as-owner", "founder"]  # the organization's own people
    assert texts("strang") == []  # no browsing other organizations' people
    assert texts("stranger") == ["stranger"]  # invited by exact username
    assert texts("stranger@example.com") == []  # nor finding them by email
    assert texts("newbie") == []  # not staff: could not log in to the admin


def test_the_member_autocomplete_is_for_owners(client):
    world = World("merchandiser")
    client.force_login(world.user)
    url = reverse("admin:core_organization_member_autocomplete")
    assert client.get(url, {"term": "founder"}).status_code == 403


def test_the_organization_page_shows_the_members_inline_to_owners():
    world = World("owner")
    page = world.admin.get(reverse("admin:core_organization_change", args=[world.org.pk]))
    assert b'name="memberships-TOTAL_FORMS"' in page.content
    assert reverse("admin:core_organization_member_autocomplete").encode() in page.content


def test_an_owner_cannot_remove_the_last_owner():
    world = World("owner")
    Membership.objects.filter(organization=world.org, user__username="founder").delete()
    mine = Membership.objects.get(organization=world.org, user=world.user)
    data = {
        "name": world.org.name,
        "slug": world.org.slug,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": mine.pk,
        "memberships-0-organization": world.org.pk,
        "memberships-0-user": world.user.pk,
        "memberships-0-role": "viewer",
    }
    url = reverse("admin:core_organization_change", args=[world.org.pk])
    response = world.admin.post(url, data)
    assert "An organization needs at least one owner." in response.content.decode()
    assert Membership.objects.get(pk=mine.pk).role == Membership.Role.OWNER


def test_adding_a_member_changes_nothing_on_the_user():
    world = World("owner")
    assert admin_manage_members(world)
    world.newcomer.refresh_from_db()
    assert world.newcomer.is_staff and not world.newcomer.is_superuser
