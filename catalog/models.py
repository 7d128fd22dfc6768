"""The master catalog: master products and their platform listings (the enumerations live in
choices.py and are importable from here; organizations and the model base are core's)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import (
    ListingStatus,
    MatchMethod,
    ProductStatus,
    PublishKind,
    ReviewReason,
    ReviewStatus,
    SyncStatus,
)
from catalog.organization_keys import VARIANT_KEYS_INDEX
from core.model_base import MONEY, NON_NEGATIVE, TimeStampedModel
from core.organizations import Organization
from core.platforms import Platform

__all__ = [
    "ListingStatus",
    "MasterProduct",
    "MatchMethod",
    "PlatformMapping",
    "ProductStatus",
    "PublishKind",
    "ReviewReason",
    "ReviewStatus",
    "SkuRule",
    "SyncStatus",
]

SEARCH_CONFIG = "indonesian"


class MasterProduct(TimeStampedModel):
    """One product as the seller knows it, whatever marketplaces it is listed on."""

    Status = ProductStatus

    # Fields a merchandiser may edit and lock against re-imports.
    LOCKABLE_FIELDS = (
        "name",
        "short_description",
        "full_description",
        "brand",
        "base_price",
        "cost_price",
        "weight_kg",
        "length_cm",
        "width_cm",
        "height_cm",
        "category",
        "subcategory",
        "tags",
        "images",
        "variants",
        "status",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("organization"),
    )
    sku = models.CharField(_("SKU"), max_length=100)
    sku_normalized = models.CharField(
        _("normalized SKU"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The SKU after the organization's SKU rules; what matching compares."),
    )
    variant_skus = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Normalized variant SKUs, for variant-level matching."),
        verbose_name=_("variant SKUs"),
    )
    name = models.CharField(_("name"), max_length=255)
    short_description = models.TextField(_("short description"), blank=True)
    full_description = models.TextField(_("full description"), blank=True)
    brand = models.CharField(_("brand"), max_length=120, blank=True)
    base_price = models.DecimalField(_("base price"), validators=NON_NEGATIVE, **MONEY)
    cost_price = models.DecimalField(
        _("cost price"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    length_cm = models.DecimalField(
        _("length (cm)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    width_cm = models.DecimalField(
        _("width (cm)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    height_cm = models.DecimalField(
        _("height (cm)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    category = models.CharField(_("category"), max_length=255, blank=True)
    subcategory = models.CharField(_("subcategory"), max_length=255, blank=True)
    tags = ArrayField(
        models.CharField(max_length=64), default=list, blank=True, verbose_name=_("tags")
    )
    images = models.JSONField(
        _("images"), default=list, blank=True, help_text=_("List of {url, alt, primary}.")
    )
    variants = models.JSONField(
        _("variants"),
        default=list,
        blank=True,
        help_text=_("List of {sku, name, price, stock, attributes}."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    archived_at = models.DateTimeField(
        _("archived"),
        null=True,
        blank=True,
        editable=False,
        # Kept by a database trigger (migration 0010): a status changes through forms, bulk
        # actions, the API, imports and COPY alike, and the trigger sees every one.
        help_text=_("When the product was archived; empty while it is not."),
    )
    quality_score = models.PositiveSmallIntegerField(
        _("quality score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    quality_issues = models.JSONField(_("quality issues"), default=list, blank=True)
    locked_fields = ArrayField(
        models.CharField(max_length=64),
        default=list,
        blank=True,
        help_text=_("Fields a merchandiser edited; imports leave them alone."),
        verbose_name=_("locked fields"),
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("short_description", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search vector"),
    )

    class Meta:
        db_table = "master_products"
        ordering = ["-updated_at", "id"]
        verbose_name = _("master product")
        verbose_name_plural = _("master products")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sku"], name="master_products_unique_org_sku"
            ),
            models.CheckConstraint(condition=~Q(sku=""), name="master_products_sku_not_empty"),
            models.CheckConstraint(
                condition=Q(base_price__gte=0), name="master_products_base_price_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="master_products_cost_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True) | Q(quality_score__lte=100),
                name="master_products_quality_score_range",
            ),
            # Rows written with COPY skip model validation: the database keeps the enumeration.
            models.CheckConstraint(
                condition=Q(status__in=ProductStatus.values), name="master_products_status_valid"
            ),
        ]
        indexes = [
            # Title matching and search: an organization's products sharing rare words.
            GinIndex(fields=["organization", "search_vector"], name="master_products_search_gin"),
            GinIndex(fields=["tags"], name="master_products_tags_gin"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="master_products_name_trgm"),
            # Title matching looks only at products priced like the listing (within 10%).
            models.Index(fields=["organization", "base_price"], name="master_products_org_price"),
            models.Index(fields=["sku"], name="master_products_sku"),
            models.Index(
                fields=["organization", "sku_normalized"], name="master_products_org_sku_norm"
            ),
            VARIANT_KEYS_INDEX,
            models.Index(
                fields=["organization", "-updated_at"], name="master_products_org_updated"
            ),
            models.Index(fields=["organization", "status"], name="master_products_org_status"),
            models.Index(fields=["organization", "category"], name="master_products_org_category"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"

    @property
    def primary_image_url(self) -> str:
        for image in self.images or []:
            if isinstance(image, dict) and image.get("primary"):
                return str(image.get("url", ""))
        first = (self.images or [None])[0]
        return str(first.get("url", "")) if isinstance(first, dict) else ""


class PlatformMapping(TimeStampedModel):
    """One marketplace listing linked to its master product (price, SEO, sync, review)."""

    SyncStatus = SyncStatus
    MatchMethod = MatchMethod
    ReviewStatus = ReviewStatus
    ReviewReason = ReviewReason

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="mappings",
        verbose_name=_("organization"),
    )
    master_product = models.ForeignKey(
        MasterProduct,
        on_delete=models.CASCADE,
        related_name="mappings",
        verbose_name=_("master product"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    platform_product_id = models.CharField(_("platform product id"), max_length=64)
    platform_shop_id = models.CharField(_("platform shop id"), max_length=64, blank=True)
    platform_title = models.CharField(_("listing title"), max_length=300, blank=True)
    platform_sku = models.CharField(_("listing SKU"), max_length=100, blank=True)
    listing_status = models.CharField(
        _("listing status"),
        max_length=20,
        choices=ListingStatus.choices,
        default=ListingStatus.ACTIVE,
    )
    listing_platforms = ArrayField(
        models.CharField(max_length=20),
        default=list,
        blank=True,
        help_text=_("Where the listing is live: shopee, tiktokshop, tokopedia."),
        verbose_name=_("listing platforms"),
    )
    is_source = models.BooleanField(
        _("source of the product"),
        default=False,
        help_text=_("Imports update the master product's fields from this listing."),
    )
    content_hash = models.CharField(_("payload hash"), max_length=64, blank=True)
    platform_updated_at = models.DateTimeField(_("updated on the platform"), null=True, blank=True)
    variant_links = models.JSONField(
        _("variant links"),
        default=list,
        blank=True,
        help_text=_("Platform variant id and SKU to master variant SKU."),
    )
    platform_data = models.JSONField(_("platform data"), default=dict, blank=True)
    platform_price = models.DecimalField(
        _("platform price"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    fee_percentage = models.DecimalField(
        _("fee %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    calculated_at = models.DateTimeField(_("price calculated at"), null=True, blank=True)
    margin_percentage = models.DecimalField(
        _("margin %"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Profit over the net selling price at the platform price, given the cost."),
    )
    price_breakdown = models.JSONField(
        _("price breakdown"),
        default=dict,
        blank=True,
        help_text=_("The fees behind the platform price and the fee rule that was in force."),
    )
    seo_title = models.CharField(_("SEO title"), max_length=255, blank=True)
    seo_keywords = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("SEO keywords")
    )
    seo_quality_score = models.PositiveSmallIntegerField(
        _("SEO score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    seo_findings = models.JSONField(
        _("SEO findings"),
        default=list,
        blank=True,
        help_text=_("Why the SEO score is what it is: each deduction and its reason."),
    )
    quality_score = models.PositiveSmallIntegerField(
        _("quality score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    quality_issues = models.JSONField(_("quality issues"), default=list, blank=True)
    sync_enabled = models.BooleanField(_("sync enabled"), default=True)
    sync_status = models.CharField(
        _("sync status"), max_length=20, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    sync_errors = models.JSONField(_("sync errors"), default=list, blank=True)
    # Publishing (catalog/publication.py): what we would show, what the platform shows.
    desired_prices = models.JSONField(
        _("prices to publish"),
        default=dict,
        blank=True,
        help_text=_('The computed platform price of each variant ("" for a single price).'),
    )
    remote_prices = models.JSONField(
        _("prices on the platform"),
        default=dict,
        blank=True,
        help_text=_("Each variant's price as the platform last showed it (import or read-back)."),
    )
    pending_kinds = ArrayField(
        models.CharField(max_length=10, choices=PublishKind.choices),
        default=list,
        blank=True,
        verbose_name=_("changes to publish"),
    )
    price_change_percent = models.DecimalField(
        _("price change %"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The largest change of a variant's price that publishing would make."),
    )
    sync_blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    sync_conflict = models.JSONField(
        _("conflict"),
        default=dict,
        blank=True,
        help_text=_("Values changed on the platform since the last import, beside ours."),
    )
    publish_ignored = models.JSONField(
        _("kept platform values"),
        default=dict,
        blank=True,
        help_text=_("Computed values a merchandiser chose not to publish (the platform's kept)."),
    )
    match_method = models.CharField(
        _("match method"), max_length=20, choices=MatchMethod.choices, default=MatchMethod.NEW
    )
    match_confidence = models.DecimalField(
        _("match confidence"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.AUTO,
    )
    review_reason = models.CharField(
        _("why it needs review"),
        max_length=20,
        choices=ReviewReason.choices,
        default=ReviewReason.NONE,
        blank=True,
    )
    match_candidates = models.JSONField(
        _("match candidates"),
        default=list,
        blank=True,
        help_text=_(
            "The products matching considered for this listing, best first: id, SKU, name, "
            "confidence, and for a rival with another size or model, the difference."
        ),
    )

    class Meta:
        db_table = "platform_mappings"
        ordering = ["platform", "platform_product_id"]
        verbose_name = _("platform mapping")
        verbose_name_plural = _("platform mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform", "platform_product_id"],
                name="platform_mappings_unique_org_listing",
            ),
            models.CheckConstraint(
                condition=~Q(platform_product_id=""),
                name="platform_mappings_product_id_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(match_confidence__isnull=True)
                | (Q(match_confidence__gte=0) & Q(match_confidence__lte=1)),
                name="platform_mappings_confidence_range",
            ),
            # Rows written with COPY skip model validation: the database keeps the enumerations.
            models.CheckConstraint(
                condition=Q(sync_status__in=SyncStatus.values),
                name="platform_mappings_sync_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(listing_status__in=ListingStatus.values),
                name="platform_mappings_listing_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(match_method__in=MatchMethod.values),
                name="platform_mappings_match_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="platform_mappings_review_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["master_product", "platform"], name="platform_mappings_product"),
            models.Index(fields=["organization", "review_status"], name="platform_mappings_review"),
            models.Index(
                fields=["organization", "-updated_at"], name="platform_mappings_org_updated"
            ),
            models.Index(
                fields=["organization", "platform", "platform_sku"], name="platform_mappings_sku"
            ),
            # The seed's: listings by sync state, and the maintenance's "not seen since".
            models.Index(
                fields=["organization", "sync_status"], name="platform_mappings_sync_status"
            ),
            models.Index(
                fields=["organization", "platform", "platform_shop_id", "last_synced_at"],
                name="platform_mappings_last_synced",
            ),
            GinIndex(fields=["pending_kinds"], name="platform_mappings_pending_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.platform_product_id}"


class SkuRule(TimeStampedModel):
    """One step of an organization's SKU normalization, applied in `position` order."""

    class Action(models.TextChoices):
        STRIP_PREFIX = "strip_prefix", _("Strip prefix")
        STRIP_SUFFIX = "strip_suffix", _("Strip suffix")
        REMOVE = "remove", _("Remove characters")
        REPLACE = "replace", _("Replace text")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="sku_rules",
        verbose_name=_("organization"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    value = models.CharField(
        _("text"),
        max_length=50,
        help_text=_("The prefix, suffix, characters or text the rule acts on."),
    )
    replacement = models.CharField(_("replace with"), max_length=50, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["organization", "position", "id"]
        verbose_name = _("SKU rule")
        verbose_name_plural = _("SKU rules")

    def __str__(self) -> str:
        return f"{self.get_action_display()} '{self.value}'"
