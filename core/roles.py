"""Who may do what: one table of capabilities and the membership roles allowed each.

The admin (core/admin_base.py) and the REST API (core/api/base.py) both ask this table,
so a role can never do something in one and be refused it in the other. Superusers may do
everything; a user with no membership in an object's organization may do nothing there.
"""

from __future__ import annotations

from enum import StrEnum

from core.organizations import Membership

Role = Membership.Role


class Capability(StrEnum):
    VIEW = "view"  # read every page and endpoint of the organization
    QUOTE_PRICES = "quote_prices"  # the price calculator / simulator (writes nothing)
    EDIT_CATALOG = "edit_catalog"  # products, listings, SEO titles, SKU rules, pricing setup
    REVIEW_MATCHES = "review_matches"  # confirm, reject, re-link, split matches
    REMATCH_CATALOG = "rematch_catalog"
    RECALCULATE_PRICES = "recalculate_prices"
    RUN_IMPORTS = "run_imports"  # start, cancel, resume imports
    PUBLISH = "publish"  # send prices and titles to the marketplaces, settle conflicts
    TEST_CONNECTIONS = "test_connections"
    MANAGE_CONNECTIONS = "manage_connections"  # add and edit connections, credentials, OAuth
    DELETE = "delete"
    MANAGE_MEMBERS = "manage_members"  # add, change and remove memberships, rename


_EVERYONE = (Role.OWNER, Role.MERCHANDISER, Role.VIEWER)
_EDITORS = (Role.OWNER, Role.MERCHANDISER)
_OWNERS = (Role.OWNER,)

ALLOWED_ROLES: dict[Capability, tuple[str, ...]] = {
    Capability.VIEW: _EVERYONE,
    Capability.QUOTE_PRICES: _EVERYONE,
    Capability.EDIT_CATALOG: _EDITORS,
    Capability.REVIEW_MATCHES: _EDITORS,
    Capability.REMATCH_CATALOG: _EDITORS,
    Capability.RECALCULATE_PRICES: _EDITORS,
    Capability.RUN_IMPORTS: _EDITORS,
    Capability.PUBLISH: _EDITORS,
    Capability.TEST_CONNECTIONS: _EDITORS,
    Capability.MANAGE_CONNECTIONS: _OWNERS,
    Capability.DELETE: _OWNERS,
    Capability.MANAGE_MEMBERS: _OWNERS,
}


def roles_for(capability: Capability | str) -> tuple[str, ...]:
    """The roles allowed `capability` (a KeyError for a misspelt one, never a silent 'no')."""
    return ALLOWED_ROLES[Capability(capability)]


def role_allows(role: str | None, capability: Capability | str) -> bool:
    return role is not None and role in roles_for(capability)


def who_may(capability: Capability | str) -> str:
    """Who the table allows, as a sentence for a refusal message."""
    from django.utils.translation import gettext as _

    allowed = set(roles_for(capability))
    if allowed == {Role.OWNER}:
        return _("Only an owner of the organization may do this.")
    if allowed == {Role.OWNER, Role.MERCHANDISER}:
        return _("Only an owner or a merchandiser of the organization may do this.")
    return _("Only a member of the organization may do this.")
