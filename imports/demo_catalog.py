"""Demo data: an organization, its staff logins and a realistic Indonesian catalog."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from catalog.matching import normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from catalog.services import products_with_listings_create
from core.models import Membership, Organization
from core.platforms import Platform
from imports.sandbox.products import ProductSpec, product_spec

DEMO_IMAGE_HOST = "https://cf.shopee.co.id"
SHOPEE_ITEM_ID_BASE = 20_000_000_000
TIKTOK_PRODUCT_ID_BASE = 1_729_000_000_000_000_000


def demo_user_ensure(
    *, username: str, password: str, organization: Organization, role: str, superuser: bool
) -> tuple[AbstractUser, bool]:
    """Create the login if missing (the password is only set on creation)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": superuser}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
    return user, created


def _product_from_spec(organization: Organization, spec: ProductSpec) -> MasterProduct:
    images = [
        {"url": url, "alt": spec.title, "primary": position == 0}
        for position, url in enumerate(spec.image_urls(DEMO_IMAGE_HOST))
    ]
    variants = [
        {
            "sku": variant.sku,
            "name": " / ".join(variant.options),
            "price": str(variant.price),
            "stock": variant.stock,
            "attributes": dict(zip((name for name, _ in spec.tiers), variant.options, strict=True)),
        }
        for variant in spec.variants
    ]
    length, width, height = spec.dimensions_cm
    return MasterProduct(
        organization=organization,
        sku=spec.sku,
        sku_normalized=normalize_sku(spec.sku),
        variant_skus=sorted({normalize_sku(v.sku) for v in spec.variants}),
        name=spec.title,
        short_description=spec.description[1],
        full_description="\n\n".join(spec.description),
        brand="" if spec.brand == "NoBrand" else spec.brand,
        base_price=Decimal(spec.price),
        cost_price=(Decimal(spec.price) * Decimal("0.6")).quantize(Decimal("1")),
        weight_kg=Decimal(spec.weight_g) / 1000,
        length_cm=Decimal(length),
        width_cm=Decimal(width),
        height_cm=Decimal(height),
        category=spec.category,
        subcategory=spec.subcategory,
        tags=[spec.subcategory.lower(), spec.brand.lower()],
        images=images,
        variants=variants,
    )


@transaction.atomic
def demo_catalog_create(*, organization: Organization, size: int, seed: int = 1) -> int:
    """Add `size` generated products (with Shopee/TikTok mappings) not already present."""
    existing = set(organization.products.values_list("sku", flat=True))
    specs = [product_spec(seed, index) for index in range(size)]
    products = [
        _product_from_spec(organization, spec) for spec in specs if spec.sku not in existing
    ]
    mappings = []
    for product, spec in zip(products, (s for s in specs if s.sku not in existing), strict=True):
        if spec.index % 10 < 7:
            mappings.append(
                PlatformMapping(
                    organization=organization,
                    master_product=product,
                    platform=Platform.SHOPEE,
                    platform_product_id=str(SHOPEE_ITEM_ID_BASE + spec.index),
                    platform_shop_id="14701711",
                    platform_price=product.base_price,
                    seo_title=product.name[:100],
                    match_method=PlatformMapping.MatchMethod.SKU,
                    platform_data={"item_sku": spec.sku, "item_status": "NORMAL"},
                )
            )
        if spec.index % 10 >= 4:
            mappings.append(
                PlatformMapping(
                    organization=organization,
                    master_product=product,
                    platform=Platform.TIKTOKSHOP,
                    platform_product_id=str(TIKTOK_PRODUCT_ID_BASE + spec.index),
                    platform_shop_id="7494060412011317000",
                    platform_price=product.base_price,
                    seo_title=product.name[:255],
                    match_method=PlatformMapping.MatchMethod.SKU,
                    platform_data={"seller_sku": spec.sku, "status": "ACTIVATE"},
                )
            )
    return products_with_listings_create(products=products, mappings=mappings)
