"""Data migration: the documented 2024-2026 Indonesian fee defaults, each with its source.

Figures come from shared/marketplaces/fees-and-listing-rules.md. Commissions use the upper
bound of each published range (the conservative default until the seller enters the exact
sub-category rate); anything not confirmed by an official page is marked unverified.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SHOPEE_2026 = (
    "Admin fee, 2026 cluster scheme, upper bound of the range "
    "(katadata.co.id 9 Dec 2025); Rp1,250 order processing fee from 20 Jul 2025 "
    "(smartlegal.id 8 Jul 2025)"
)
SHOPEE_MALL_2026 = (
    "Shopee Mall admin fee, 2026 cluster scheme, upper bound (katadata.co.id "
    "9 Dec 2025); Mall payment fee 1.8% (parapuan.co 2022, current value "
    "unverified)"
)
SHOPEE_2024 = (
    "Admin fee category A 8% (upper of 8/7.5/5.75/4.25%) from 1 Sep 2024 "
    "(bisnis.tempo.co/read/1898111)"
)
TIKTOK_2025 = (
    "Platform commission 8.00% (10% sub-categories with 20% off), 1 Oct 2025 - "
    "10 Feb 2026 (seller-id.tokopedia.com knowledge_id=5411650459305729); Rp1,250 "
    "order processing fee from 11 Aug 2025 (katadata.co.id 31 Jul 2025)"
)
TIKTOK_2026 = (
    "Categories outside the 13 Feb 2026 table: 6.97% tax included "
    "(seller-id.tokopedia.com knowledge_id=5411650459305729, dated 11 Feb 2026)"
)

ROWS = [
    # Shopee, before the order processing fee
    dict(
        platform="shopee",
        seller_tier="regular",
        category_group="",
        commission="8",
        fixed="0",
        start=date(2024, 9, 1),
        end=date(2025, 7, 19),
        source=SHOPEE_2024,
        verified=True,
    ),
    dict(
        platform="shopee",
        seller_tier="regular",
        category_group="",
        commission="8",
        fixed="1250",
        start=date(2025, 7, 20),
        end=date(2025, 12, 31),
        source=SHOPEE_2024 + "; Rp1,250 order processing fee from 20 Jul 2025",
        verified=True,
    ),
]
for tier in ("regular", "star"):
    for group, rate in (
        ("fashion", "9"),
        ("fmcg", "10"),
        ("electronics", "10"),
        ("lifestyle", "10"),
        ("others", "9.5"),
    ):
        ROWS.append(
            dict(
                platform="shopee",
                seller_tier=tier,
                category_group=group,
                commission=rate,
                fixed="1250",
                start=date(2026, 1, 1),
                end=None,
                source=SHOPEE_2026,
                verified=True,
            )
        )
for group, rate in (
    ("fashion", "11.7"),
    ("fmcg", "11.7"),
    ("electronics", "10.2"),
    ("lifestyle", "11.7"),
    ("others", "7.7"),
):
    ROWS.append(
        dict(
            platform="shopee",
            seller_tier="mall",
            category_group=group,
            commission=rate,
            payment="1.8",
            fixed="1250",
            start=date(2026, 1, 1),
            end=None,
            source=SHOPEE_MALL_2026,
            verified=False,
        )
    )
for tier in ("regular", "star", "mall"):
    ROWS.append(
        dict(
            platform="tiktokshop",
            seller_tier=tier,
            category_group="",
            commission="8",
            fixed="1250",
            start=date(2025, 10, 1),
            end=date(2026, 2, 12),
            source=TIKTOK_2025,
            verified=tier != "mall",
        )
    )
    ROWS.append(
        dict(
            platform="tiktokshop",
            seller_tier=tier,
            category_group="",
            commission="6.97",
            fixed="1250",
            start=date(2026, 2, 13),
            end=None,
            source=TIKTOK_2026,
            verified=tier != "mall",
        )
    )


def seed(apps, schema_editor):
    PlatformFeeConfig = apps.get_model("pricing", "PlatformFeeConfig")
    PlatformFeeConfig.objects.bulk_create(
        [
            PlatformFeeConfig(
                organization=None,
                platform=row["platform"],
                seller_tier=row["seller_tier"],
                category_group=row["category_group"],
                commission_percent=Decimal(row["commission"]),
                payment_fee_percent=Decimal(row.get("payment", "0")),
                fixed_fee_per_order=Decimal(row["fixed"]),
                pph22_percent=Decimal("0.5"),
                effective_from=row["start"],
                effective_to=row["end"],
                source=row["source"],
                verified=row["verified"],
            )
            for row in ROWS
        ]
    )


def unseed(apps, schema_editor):
    apps.get_model("pricing", "PlatformFeeConfig").objects.filter(organization=None).delete()


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
