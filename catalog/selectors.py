"""Named reads for the catalog."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from catalog.models import MasterProduct, Membership, Organization, PlatformMapping

Role = Membership.Role
WRITE_ROLES = (Role.OWNER, Role.MERCHANDISER)
ALL_ROLES = tuple(Role)


def organization_ids_for_user(
    *, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[Membership]:
    """The ids of the organizations `user` belongs to with one of `roles`, as a subquery."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organization_id")
    return Membership.objects.filter(user=user, role__in=list(roles)).values("organization_id")


def organizations_for_user(
    *, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[Organization]:
    if getattr(user, "is_superuser", False):
        return Organization.objects.all()
    return Organization.objects.filter(id__in=organization_ids_for_user(user=user, roles=roles))


def product_has_mappings() -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk")))


def product_listed_on(platform: str) -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk"), platform=platform))


def products_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[MasterProduct]:
    products = MasterProduct.objects.all()
    if getattr(user, "is_superuser", False):
        return products
    return products.filter(organization_id__in=organization_ids_for_user(user=user))
