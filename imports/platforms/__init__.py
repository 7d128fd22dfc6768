"""One adapter per marketplace, and the registry that finds it by platform value.

Everything that differs between marketplaces (how a client is built from a connection, how a
shop is paged, what a payload's fields mean, how a seller authorizes the app, the API's paging
caps and batch sizes) lives in the marketplace's package, `imports/platforms/<name>/`, behind
`PlatformAdapter`. The rest of the app asks `adapter_for(connection.platform)` and never which
platform it is talking to. A new marketplace is a new package, a line in `_ADAPTERS`, and its
value in `core.platforms.Platform`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from imports.clients.base import MarketplaceClient, TokenGrant
    from imports.pipeline.fetch import Fetcher
    from imports.pipeline.mappings import FieldMapping
    from imports.platforms.writing import ListingWriter

# Platform value -> "module:class" of its adapter. Imported on first use, not here: the
# platform packages build on shared pipeline code (FieldMapping, Fetcher) that itself asks
# this registry, so an eager import would be circular.
_ADAPTERS: dict[str, str] = {
    "shopee": "imports.platforms.shopee.adapter:ShopeeAdapter",
    "tiktokshop": "imports.platforms.tiktokshop.adapter:TikTokShopAdapter",
}


class UnknownPlatform(LookupError):
    """No adapter is registered for this platform value."""

    def __init__(self, platform: object) -> None:
        known = ", ".join(sorted(_ADAPTERS))
        super().__init__(f"no marketplace adapter for platform {platform!r} (known: {known})")
        self.platform = platform


@dataclass(frozen=True)
class PlatformRules:
    """A marketplace's API limits the fetcher plans by (the platform package's rules.py)."""

    paging_cap: int  # results one query pages through before the platform refuses to go on
    page_size: int  # listings asked for per list/search call (the API's maximum)
    batch_size: int  # ids per detail call (1: one call per listing)
    # Publishing: most expensive / cheapest variant a listing may have (Shopee ID: 7).
    max_variant_spread: Decimal | None = None


@dataclass(frozen=True)
class ShopSummary:
    """What Test connection shows: the shop's name and region as the platform gives them."""

    name: str
    region: str


@dataclass(frozen=True)
class Authorization:
    """An authorization code exchanged: the tokens, and the connection fields it settles."""

    grant: TokenGrant
    shop_fields: dict[str, str] = field(default_factory=dict)


class ConnectionValues(Protocol):
    """The connection row as an adapter reads it (decrypted values; no model import needed).

    Platform-specific credentials (partner_id, app_key, ...) are read by the adapter that
    knows them; only the fields every platform has are declared here.
    """

    platform: str
    base_url: str
    shop_id: str
    shop_cipher: str


@runtime_checkable
class PlatformAdapter(Protocol):
    platform: str
    rules: PlatformRules
    mappings: tuple[FieldMapping, ...]
    # Connection fields a shop connection cannot work without (diagnostics, connect_shop).
    required_credentials: tuple[str, ...]
    # Admin form: (field, message) for each credential the form must have (secrets may be
    # kept from the stored row).
    form_requirements: tuple[tuple[str, str], ...]

    def client(self, connection: ConnectionValues, **options: Any) -> MarketplaceClient:
        """The platform's client for the connection's credentials; `options` go to
        MarketplaceClient (timeouts, retry policy, limiter, observer, host check)."""
        ...

    def fetcher(self, client: MarketplaceClient, *, concurrency: int) -> Fetcher: ...

    def shop(self, client: MarketplaceClient) -> ShopSummary:
        """One signed shop call (Test connection, diagnostics)."""
        ...

    def writer(self, client: MarketplaceClient) -> ListingWriter:
        """What publishing writes through: prices and titles (imports.platforms.writing)."""
        ...

    def authorization_url(self, client: MarketplaceClient, redirect_uri: str, state: str) -> str:
        """Where the seller authorizes the app; the callback must bring `state` back."""
        ...

    def exchange_code(
        self, client: MarketplaceClient, code: str, shop_id: str | None
    ) -> Authorization: ...

    def authorized_shop(self, client: MarketplaceClient) -> dict[str, str]:
        """After the exchange, with the new token: connection fields naming the shop
        ({} when the exchange already settled them)."""
        ...

    def title_limit(self, context: Mapping[str, Any]) -> int | None:
        """The shop's own title limit from the fetched reference data, when the platform
        tells it."""
        ...

    def issued_connection_fields(self, issued: Mapping[str, Any]) -> dict[str, Any]:
        """Connection fields from credentials a marketplace issued (the sandbox's JSON, named
        as the platform names them), tokens aside."""
        ...


def adapter_for(platform: str) -> PlatformAdapter:
    """The adapter of `platform` (a `core.platforms.Platform` value); UnknownPlatform if none."""
    # str(): a Platform member hashes unlike its value, and would miss the cache.
    return _adapter(str(platform))


@cache
def _adapter(platform: str) -> PlatformAdapter:
    try:
        target = _ADAPTERS[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None
    module, _, name = target.partition(":")
    adapter: PlatformAdapter = getattr(importlib.import_module(module), name)()
    return adapter


def adapters() -> list[PlatformAdapter]:
    """Every registered adapter, in registration order."""
    return [adapter_for(platform) for platform in _ADAPTERS]
