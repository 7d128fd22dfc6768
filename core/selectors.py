"""Named reads of who belongs where: organizations, memberships, roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from core.organizations import Membership, Organization

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


def roles_by_organization(request: Any) -> dict[int, str]:
    """The caller's role per organization, read once per request (admin and API alike)."""
    cached = getattr(request, "_syncstore_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user_id=request.user.pk).values_list(
                "organization_id", "role"
            )
        )
        request._syncstore_roles = cached
    return cached
