"""The marketplaces SyncStore speaks to: the one list every app names a platform from, and
the rules every app must agree on: title lengths, the SKU of a product SyncStore names."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import models


class Platform(models.TextChoices):
    SHOPEE = "shopee", "Shopee"
    TIKTOKSHOP = "tiktokshop", "TikTok Shop"


@dataclass(frozen=True)
class TitleRules:
    """How long a listing title may be, in characters (both ends included)."""

    min_length: int
    max_length: int


# The platforms' published limits. A Shopee shop can have its own maximum (get_item_limit);
# an import stores it on each listing and `title_rules` lets it win.
TITLE_RULES: dict[str, TitleRules] = {
    Platform.SHOPEE.value: TitleRules(min_length=5, max_length=100),
    Platform.TIKTOKSHOP.value: TitleRules(min_length=25, max_length=255),
}


def title_rules(platform: str, shop_max_length: int | None = None) -> TitleRules:
    """The platform's rules, with the shop's own maximum when the marketplace told us one."""
    rules = TITLE_RULES[platform]
    return replace(rules, max_length=shop_max_length) if shop_max_length else rules


# The SKU SyncStore gives a product made from a listing that has none: prefix and listing id.
GENERATED_SKU_PREFIXES: dict[str, str] = {
    Platform.SHOPEE.value: "SHP",
    Platform.TIKTOKSHOP.value: "TTS",
}
