"""Marketplace fee schedules (data with effective dates) and each organization's profile."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import MONEY, NON_NEGATIVE, Organization, TimeStampedModel
from core.platforms import Platform
from core.templatetags.percent import format_percent

RATE = {"max_digits": 7, "decimal_places": 4, "validators": NON_NEGATIVE}  # percent


class SellerTier(models.TextChoices):
    REGULAR = "regular", _("Regular (non-Star)")
    STAR = "star", _("Star / Star+")
    MALL = "mall", _("Mall")


class CategoryGroup(models.TextChoices):
    ANY = "", _("Any category")
    FASHION = "fashion", _("Fashion")
    FMCG = "fmcg", _("FMCG")
    ELECTRONICS = "electronics", _("Electronics")
    LIFESTYLE = "lifestyle", _("Lifestyle")
    OTHERS = "others", _("Others")


class PlatformFeeConfig(TimeStampedModel):
    """One fee rule: what a platform charges a seller tier in a category group, and when.

    Rows without an organization are SyncStore's defaults; an organization's own rows win.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fee_configs",
        help_text=_("Empty: a default for every organization."),
        verbose_name=_("organization"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    seller_tier = models.CharField(
        _("seller tier"), max_length=20, choices=SellerTier.choices, default=SellerTier.REGULAR
    )
    category_group = models.CharField(
        _("category group"),
        max_length=20,
        blank=True,
        choices=CategoryGroup.choices,
        default=CategoryGroup.ANY,
    )
    commission_percent = models.DecimalField(_("commission / admin fee %"), **RATE)
    payment_fee_percent = models.DecimalField(_("payment fee %"), default=0, **RATE)
    program_fee_percent = models.DecimalField(
        _("program fee %"),
        default=0,
        **RATE,
        help_text=_("Opt-in programs such as Gratis Ongkir XTRA or Xtra cashback."),
    )
    program_fee_cap = models.DecimalField(
        _("program fee cap per item"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    fixed_fee_per_order = models.DecimalField(
        _("fixed fee per order"), default=0, validators=NON_NEGATIVE, **MONEY
    )
    affiliate_percent = models.DecimalField(_("affiliate %"), default=0, **RATE)
    pph22_percent = models.DecimalField(
        _("PPh 22 %"),
        default="0.5",
        **RATE,
        help_text=_("Withheld when the organization's profile says PPh 22 applies."),
    )
    min_price = models.DecimalField(
        _("minimum price"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    max_price = models.DecimalField(
        _("maximum price"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    price_step = models.DecimalField(
        _("round up to"), default=100, validators=[MinValueValidator(1)], **MONEY
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.TextField(_("source"), help_text=_("Where the figures come from, and when."))
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Unverified figures are editable defaults: check them for your shop."),
    )

    class Meta:
        ordering = ["platform", "seller_tier", "category_group", "-effective_from"]
        verbose_name = _("platform fee rule")
        verbose_name_plural = _("platform fee rules")
        indexes = [
            models.Index(
                fields=["platform", "seller_tier", "effective_from"], name="fee_configs_lookup"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="fee_configs_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        group = self.get_category_group_display()
        period = (
            _("%(start)s to %(end)s") % {"start": self.effective_from, "end": self.effective_to}
            if self.effective_to
            else _("%(start)s on") % {"start": self.effective_from}
        )
        return (
            f"{self.get_platform_display()} {self.get_seller_tier_display()} {group} "
            f"{format_percent(self.commission_percent)} ({period})"
        )


def default_thin_margin_percent() -> Decimal:
    """Where a margin turns thin, until the seller says otherwise.

    One definition: the threshold is the profile's `thin_margin_percent` (per organization and
    platform, edited by the seller in the admin), and everything that flags or filters thin
    margins reads it there. The deployment's PRICING_THIN_MARGIN_PERCENT setting is only the
    starting value: the default of a new profile, and of the profile an organization that
    never saved one is priced with. A seller who set 15 % expects the Thin filter, the flags
    and the prices' breakdowns to agree on 15 %, whatever the server was started with.
    """
    return Decimal(settings.PRICING_THIN_MARGIN_PERCENT)


class PricingProfile(TimeStampedModel):
    """How an organization sells on a platform: tier, tax status, order size, margin floor."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="pricing_profiles",
        verbose_name=_("organization"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    seller_tier = models.CharField(
        _("seller tier"), max_length=20, choices=SellerTier.choices, default=SellerTier.REGULAR
    )
    pph22_applies = models.BooleanField(
        _("PPh 22 withheld"),
        default=True,
        help_text=_(
            "Turnover above Rp500 million a year (PMK 37/2025), or no exemption statement filed."
        ),
    )
    units_per_order = models.PositiveSmallIntegerField(
        _("units per order"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("The fixed fee per order is spread over this many units."),
    )
    thin_margin_percent = models.DecimalField(
        _("thin margin below %"),
        max_digits=5,
        decimal_places=2,
        default=default_thin_margin_percent,
        help_text=_("Listings earning less than this are flagged."),
    )

    class Meta:
        ordering = ["organization", "platform"]
        verbose_name = _("pricing profile")
        verbose_name_plural = _("pricing profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform"], name="pricing_profiles_unique_org_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_platform_display()}"
