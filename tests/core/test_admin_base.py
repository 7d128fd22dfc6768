"""Issue #18 part 8: every admin action checks the role in each selected row's organization.

The user is a viewer of A and, in B, holds the role the action needs. Selecting A's rows (alone
or with B's) must leave A untouched and say so; B's rows alone go through. The actions are
found by introspecting the registered admins, so a new action joins this test by itself (and
fails it if it has no row maker below or no per-row check)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from catalog.models import MasterProduct, PlatformMapping, SkuRule
from core.models import Membership, Organization
from imports.models import ChannelConnection, ImportJob, PublishJob, RawImportRecord
from pricing.models import PlatformFeeConfig, PricingProfile
from tests.factories import (
    ImportJobFactory,
    MasterProductFactory,
    MembershipFactory,
    OrganizationFactory,
    PlatformMappingFactory,
    RawImportRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"core", "catalog", "imports", "pricing", "seo"}
REFUSED = "nothing was changed"


def _mapping(org: Organization) -> PlatformMapping:
    return PlatformMappingFactory(
        master_product=MasterProductFactory(organization=org, cost_price=Decimal("50000")),
        organization=org,
        platform_title="kaos polos",
        seo_title="old title",
        pending_kinds=["title"],  # so it is on the Pending publication page too
        review_status=PlatformMapping.ReviewStatus.NEEDS_REVIEW,
        match_method=PlatformMapping.MatchMethod.SIMILARITY,
        match_confidence=Decimal("0.95"),
    )


def _connection(org: Organization) -> ChannelConnection:
    # Port 9 (discard) on loopback: a test run, if it ever ran, fails fast and offline.
    return ChannelConnection.objects.create(
        organization=org, platform="shopee", name=f"Shop {org.slug}", base_url="http://127.0.0.1:9"
    )


def _publish_job(org: Organization) -> PublishJob:
    return PublishJob.objects.create(
        organization=org, connection=_connection(org), platform="shopee", kinds=["price"]
    )


def _job(org: Organization) -> ImportJob:
    return ImportJobFactory(
        organization=org, connection=_connection(org), status=ImportJob.Status.RUNNING
    )


# One row per administered model, in the given organization.
ROW_MAKERS: dict[type[models.Model], Callable[[Organization], models.Model]] = {
    MasterProduct: lambda org: MasterProductFactory(organization=org),
    PlatformMapping: _mapping,
    Organization: lambda org: org,
    SkuRule: lambda org: SkuRule.objects.create(organization=org, action="remove", value="-"),
    ChannelConnection: _connection,
    ImportJob: _job,
    PublishJob: _publish_job,
    RawImportRecord: lambda org: RawImportRecordFactory(import_job=_job(org), organization=org),
    PlatformFeeConfig: lambda org: PlatformFeeConfig.objects.create(
        organization=org,
        platform="shopee",
        commission_percent=Decimal("8"),
        effective_from=date(2025, 1, 1),
    ),
    PricingProfile: lambda org: PricingProfile.objects.create(organization=org, platform="shopee"),
}


def _declared_actions() -> list[tuple[str, str]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for _func, name, _description in model_admin._get_base_actions():
            found.append((model._meta.label, name))
    return sorted(found)


ACTIONS = _declared_actions()


def _organization_state(org: Organization) -> dict[str, list[dict[str, Any]]]:
    """Every row of the organization, as stored: any write by an action shows up here."""
    state = {"organization": list(Organization.objects.filter(pk=org.pk).values())}
    for model in ROW_MAKERS:
        if model is Organization:
            continue
        state[model._meta.label] = list(
            model.objects.filter(organization=org).order_by("pk").values()
        )
    state["memberships"] = list(Membership.objects.filter(organization=org).values())
    return state


def _role_needed(model_admin, name: str) -> str:
    func = dict((n, f) for f, n, _d in model_admin._get_base_actions())[name]
    capability = getattr(func, "capability", None)
    assert capability is not None or name == "delete_selected", (
        f"{type(model_admin).__name__}.{name} is not a role_action (no per-row role check)"
    )
    from core.roles import roles_for

    roles = roles_for(capability) if capability else (Membership.Role.OWNER,)
    return Membership.Role.MERCHANDISER if Membership.Role.MERCHANDISER in roles else roles[0]


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_every_project_action_is_found():
    names = {name for _label, name in ACTIONS}
    # The ones issue #18 names, so the introspection cannot silently find nothing.
    assert {
        "regenerate_seo_titles",
        "recalculate_prices",
        "test_connection",
        "resume_jobs",
    } <= names
    assert {"rematch_catalog_action", "confirm", "import_full", "delete_selected"} <= names


@pytest.mark.parametrize(("label", "name"), ACTIONS, ids=[f"{lab}.{n}" for lab, n in ACTIONS])
@pytest.mark.parametrize("selection", ["a_only", "a_and_b"])
def test_action_refuses_rows_of_organizations_where_the_role_does_not_allow_it(
    client, label: str, name: str, selection: str
):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    concrete = model._meta.concrete_model
    assert concrete in ROW_MAKERS, f"add a row maker for {label} to this test"
    org_a = OrganizationFactory(name="Toko A", slug="toko-a")
    org_b = OrganizationFactory(name="Toko B", slug="toko-b")
    row_a, row_b = ROW_MAKERS[concrete](org_a), ROW_MAKERS[concrete](org_b)
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, organization=org_a, role=Membership.Role.VIEWER)
    MembershipFactory(user=user, organization=org_b, role=_role_needed(model_admin, name))
    # Each organization keeps an owner, as real ones do.
    MembershipFactory(user=UserFactory(), organization=org_a, role=Membership.Role.OWNER)
    client.force_login(user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    selected = [row_a.pk] if selection == "a_only" else [row_a.pk, row_b.pk]
    before_a, before_b = _organization_state(org_a), _organization_state(org_b)

    response = client.post(
        url,
        {"action": name, "_selected_action": selected, "confirm": "yes", "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert _organization_state(org_a) == before_a
    assert _organization_state(org_b) == before_b  # refused as a whole, never half done
    offered = name in model_admin.get_actions(response.wsgi_request)
    if offered:
        assert REFUSED in _messages(response)
        # B's own rows go through: the refusal above was about A, not a broken request.
        alone = client.post(
            url,
            {"action": name, "_selected_action": [row_b.pk], "confirm": "yes", "post": "yes"},
            follow=True,
        )
        assert alone.status_code == 200
        assert REFUSED not in _messages(alone)
    else:  # e.g. deleting an organization: superusers only
        assert not model_admin.has_delete_permission(response.wsgi_request, row_b)


def test_regenerate_seo_titles_leaves_the_viewed_organization_alone(client):
    """The reproduction: a merchandiser of B who is a viewer of A rewrote A's titles."""
    org_a = OrganizationFactory(name="Toko A", slug="toko-a")
    org_b = OrganizationFactory(name="Toko B", slug="toko-b")
    theirs, ours = _mapping(org_a), _mapping(org_b)
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, organization=org_a, role=Membership.Role.VIEWER)
    MembershipFactory(user=user, organization=org_b, role=Membership.Role.MERCHANDISER)
    client.force_login(user)
    url = reverse("admin:catalog_platformmapping_changelist")
    post = {"action": "regenerate_seo_titles", "confirm": "yes"}

    client.post(url, {**post, "_selected_action": [theirs.pk, ours.pk]})
    assert PlatformMapping.objects.get(pk=theirs.pk).seo_title == "old title"
    assert PlatformMapping.objects.get(pk=ours.pk).seo_title == "old title"

    client.post(url, {**post, "_selected_action": [ours.pk]})
    assert PlatformMapping.objects.get(pk=theirs.pk).seo_title == "old title"
    assert PlatformMapping.objects.get(pk=ours.pk).seo_title != "old title"


def test_the_refusal_counts_the_rows_not_allowed(client):
    org_a = OrganizationFactory(name="Toko A", slug="toko-a")
    org_b = OrganizationFactory(name="Toko B", slug="toko-b")
    products = [MasterProductFactory(organization=org_a) for _ in range(2)]
    products.append(MasterProductFactory(organization=org_b))
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, organization=org_a, role=Membership.Role.VIEWER)
    MembershipFactory(user=user, organization=org_b, role=Membership.Role.MERCHANDISER)
    client.force_login(user)
    response = client.post(
        reverse("admin:catalog_masterproduct_changelist"),
        {"action": "mark_archived", "_selected_action": [p.pk for p in products]},
        follow=True,
    )
    message = _messages(response)
    assert "2 selected items (" in message and "belong to organizations where your role" in message
    for product in products[:2]:  # the ones to untick are named, the allowed one is not
        assert str(product) in message
    assert str(products[2]) not in message
    assert not MasterProduct.objects.filter(status=MasterProduct.Status.ARCHIVED).exists()
