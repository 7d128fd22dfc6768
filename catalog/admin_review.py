"""The match review queue: a listing and its suggested master product side by side."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.models import MasterProduct, PlatformMapping
from catalog.selectors import kept_apart_conflicts
from catalog.services import (
    MappingNotConfirmable,
    mapping_confirm,
    mapping_confirm_refusal,
    mapping_decided_alone,
    mapping_kept_apart_for_sku,
    mapping_reject,
    mapping_relink,
    mappings_confirm_above,
    mappings_split_for_bulk_confirm,
)
from core.admin_base import OrganizationScopedAdmin, role_action
from core.money import format_rupiah
from core.roles import Capability
from core.templatetags.percent import fraction_percent


def _localized(value: object) -> str:
    if value in (None, ""):
        return "—"
    try:
        return formats.localize(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def confirmed_message(count: int) -> str:
    return ngettext("%(n)d match confirmed.", "%(n)d matches confirmed.", count) % {"n": count}


class MatchReview(PlatformMapping):
    class Meta:
        proxy = True
        # Django builds "Select match to change" and "90 matches to review" from these.
        verbose_name = _("match")
        verbose_name_plural = _("matches to review")


class ReviewStatusFilter(admin.SimpleListFilter):
    title = _("review status")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Needs review")),
            ("automatic", _("Linked automatically")),
            ("confirmed", _("Confirmed")),
            ("rejected", _("Rejected")),
            ("all", _("All matches")),
        ]

    def choices(self, changelist):
        # "Needs review" is the default view, so the queue opens on what is left to do.
        value = self.value() or "pending"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "pending"
        if value == "pending":
            return queryset.filter(review_status=PlatformMapping.ReviewStatus.NEEDS_REVIEW)
        if value == "automatic":  # to audit what matching linked on its own, and split it
            return queryset.filter(review_status=PlatformMapping.ReviewStatus.AUTO).exclude(
                match_method=PlatformMapping.MatchMethod.NEW
            )
        if value == "confirmed":
            return queryset.filter(review_status=PlatformMapping.ReviewStatus.CONFIRMED)
        if value == "rejected":
            return queryset.filter(review_status=PlatformMapping.ReviewStatus.REJECTED)
        return queryset.exclude(match_method=PlatformMapping.MatchMethod.NEW)


class RelinkForm(forms.ModelForm):
    class Meta:
        model = MatchReview
        fields = ["master_product"]
        labels = {"master_product": _("Link this listing to")}


def _candidates(mapping: PlatformMapping) -> list[tuple[MasterProduct, dict]]:
    """The products matching considered for the listing, best first, that still exist."""
    rows = [row for row in mapping.match_candidates or [] if row.get("product")]
    products = MasterProduct.objects.filter(organization_id=mapping.organization_id).in_bulk(
        [row["product"] for row in rows]
    )
    by_id = {str(pk): product for pk, product in products.items()}
    return [(by_id[row["product"]], row) for row in rows if row["product"] in by_id]


def _thumb(url: str) -> str:
    if not url:
        return ""
    return format_html(
        '<img src="{}" alt="" width="56" height="56" loading="lazy" '
        'style="object-fit:cover;border-radius:4px">',
        url,
    )


@admin.register(MatchReview)
class MatchReviewAdmin(OrganizationScopedAdmin):
    form = RelinkForm
    autocomplete_fields = ("master_product",)
    list_display = (
        "listing",
        "listing_price",
        "arrow",
        "product",
        "product_price",
        "confidence",
        "weights",
    )
    list_display_links = None
    list_filter = (ReviewStatusFilter, "review_reason", "platform", "match_method")
    list_select_related = ("master_product",)
    write_capability = Capability.REVIEW_MATCHES
    # Most certain first; rows with no confidence (a listing kept apart) last.
    ordering = (F("match_confidence").desc(nulls_last=True), "id")
    actions = ["confirm", "reject", "confirm_above_90", "confirm_above_80"]
    change_form_template = "admin/catalog/matchreview/change_form.html"
    empty_state = _(
        "Nothing to review. When an import finds a listing that looks like one of your products "
        "(a similar title and price, but no shared SKU), it waits here for your decision."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The listing's own values come out of the JSON in SQL: no payload per row in Python.
        return (
            super()
            .get_queryset(request)
            .defer("platform_data")
            .annotate(
                listing_price_value=KT("platform_data__listing__base_price"),
                listing_weight_value=KT("platform_data__listing__weight_kg"),
            )
        )

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns ------------------------------------------------------------------------------
    @admin.display(description=_("Listing"))
    def listing(self, obj: PlatformMapping) -> str:
        url = f"{obj.pk}/change/"
        return format_html(
            '<a href="{}"><b>{}</b> {}</a><br><small>{} · SKU {}</small>',
            url,
            obj.get_platform_display(),
            obj.platform_title,
            obj.platform_product_id,
            obj.platform_sku or "—",
        )

    @admin.display(description=_("Listing price"))
    def listing_price(self, obj: PlatformMapping) -> str:
        price = getattr(obj, "listing_price_value", None)
        return format_rupiah(Decimal(price)) if price else "—"

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # The product each kept-apart row conflicts with, for the whole page at once: the row
        # shows that product, never the listing's own copy of itself.
        conflicts = kept_apart_conflicts(
            [m for m in changelist.result_list if mapping_kept_apart_for_sku(m)]
        )
        for mapping in changelist.result_list:
            mapping.conflicting_product = conflicts.get(mapping.pk)
        return changelist

    @staticmethod
    def _kept_apart(obj: PlatformMapping) -> bool:
        return mapping_kept_apart_for_sku(obj)

    @staticmethod
    def _compared_product(obj: PlatformMapping) -> MasterProduct | None:
        """The product the row compares the listing with: for a listing kept apart for its
        SKU, the product it conflicts with (None when none is found), else its product."""
        if mapping_kept_apart_for_sku(obj):
            return getattr(obj, "conflicting_product", None)
        return obj.master_product

    @staticmethod
    def _conflict_text(obj: PlatformMapping) -> str:
        other = getattr(obj, "conflicting_product", None)
        if other is None:
            return str(_("Duplicate SKU: kept apart, open it to decide"))
        if obj.review_reason == PlatformMapping.ReviewReason.SKU_CONFLICT:
            template = _("Same SKU, another size or model: also on %(product)s")
        else:
            template = _("Duplicate SKU: also on %(product)s")
        return str(template) % {"product": other.sku}

    @admin.display(description="")
    def arrow(self, obj: PlatformMapping) -> str:
        if self._kept_apart(obj):  # not a match: two products sharing one SKU
            return format_html('<span class="sku-conflict" title="{}">≠</span>', _("not a match"))
        return "⇄"

    @admin.display(description=_("Candidate product"))
    def product(self, obj: PlatformMapping) -> str:
        if self._kept_apart(obj):
            other = self._compared_product(obj)
            if other is None:
                return format_html("<i>{}</i>", _("no other product found"))
            return format_html(
                "{} <b>{}</b><br><small>{} · {}</small>",
                _thumb(other.primary_image_url),
                other.name,
                other.sku,
                obj.get_review_reason_display() or _("kept apart"),
            )
        if mapping_decided_alone(obj):  # a listing on a product of its own: no candidate
            return format_html("<i>{}</i>", _("its own product"))
        master = obj.master_product
        return format_html(
            "{} <b>{}</b><br><small>{}</small>",
            _thumb(master.primary_image_url),
            master.name,
            master.sku,
        )

    @admin.display(description=_("Product price"), ordering="master_product__base_price")
    def product_price(self, obj: PlatformMapping) -> str:
        product = self._compared_product(obj)
        return "—" if product is None else format_rupiah(product.base_price)

    @admin.display(description=_("Confidence"), ordering="match_confidence")
    def confidence(self, obj: PlatformMapping) -> str:
        if self._kept_apart(obj):
            # The conflict in words, where a percentage would suggest a match.
            waiting = obj.review_status == PlatformMapping.ReviewStatus.NEEDS_REVIEW
            return format_html(
                '<b class="sku-conflict">⚠ {}</b><br><small>{}</small>',
                self._conflict_text(obj),
                _("A person decides on its page: bulk confirm skips it.")
                if waiting
                else obj.get_review_status_display(),
            )
        if obj.match_confidence is None:
            return format_html("— · {}", obj.get_review_reason_display() or "")
        percent = f"{fraction_percent(obj.match_confidence)} · {obj.get_match_method_display()}"
        if not obj.review_reason:
            return percent
        # Why it waits first: a high score with a close rival is not a certain match.
        return format_html(
            "<b>{}</b><br><small>{}</small>", obj.get_review_reason_display(), percent
        )

    @admin.display(description=_("Weight (listing / product)"))
    def weights(self, obj: PlatformMapping) -> str:
        listing = getattr(obj, "listing_weight_value", None) or "—"
        product = self._compared_product(obj)
        weight = product.weight_kg if product is not None else None
        return f"{listing} / {weight or '—'} kg"

    # --- actions ------------------------------------------------------------------------------
    def _allowed(self, request, queryset):
        return [m for m in queryset if self.has_change_permission(request, m)]

    def _matches(self, request, queryset) -> list[PlatformMapping]:
        """The selected rows that propose a product to link to; a listing kept apart on its
        own product (its SKU is also on another product) is decided on its own page, never
        in bulk."""
        matches, kept_apart = mappings_split_for_bulk_confirm(self._allowed(request, queryset))
        if kept_apart:
            self.message_user(
                request,
                ngettext(
                    "%(n)d row(s) left for you to open: its SKU is also on another product, so "
                    "it is not a match to confirm. Open it and decide on its page.",
                    "%(n)d row(s) left for you to open: their SKU is also on another product, "
                    "so they are not matches to confirm. Open each and decide on its page.",
                    len(kept_apart),
                )
                % {"n": len(kept_apart)},
                messages.WARNING,
            )
        return matches

    @role_action(Capability.REVIEW_MATCHES, description=_("Confirm selected matches"))
    def confirm(self, request, queryset):
        matches = self._matches(request, queryset)
        for mapping in matches:
            mapping_confirm(mapping=mapping)
        self.message_user(request, confirmed_message(len(matches)), messages.SUCCESS)

    @role_action(
        Capability.REVIEW_MATCHES,
        description=_("Reject selected matches (each listing becomes its own product)"),
    )
    def reject(self, request, queryset):
        allowed = self._allowed(request, queryset)
        for mapping in allowed:
            mapping_reject(mapping=mapping)
        self.message_user(
            request,
            ngettext("%(n)d match rejected.", "%(n)d matches rejected.", len(allowed))
            % {"n": len(allowed)},
            messages.SUCCESS,
        )

    def _confirm_above(self, request, queryset, threshold: str) -> None:
        allowed = PlatformMapping.objects.filter(
            pk__in=[m.pk for m in self._matches(request, queryset)]
        )
        count = mappings_confirm_above(mappings=allowed, confidence=Decimal(threshold))
        self.message_user(request, confirmed_message(count), messages.SUCCESS)

    @role_action(
        Capability.REVIEW_MATCHES,
        description=_("Confirm selected with confidence of 90%% or more"),
    )
    def confirm_above_90(self, request, queryset):
        self._confirm_above(request, queryset, "0.90")

    @role_action(
        Capability.REVIEW_MATCHES,
        description=_("Confirm selected with confidence of 80%% or more"),
    )
    def confirm_above_80(self, request, queryset):
        self._confirm_above(request, queryset, "0.80")

    # --- the side-by-side page ----------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/confirm/",
                view(self.confirm_view),
                name="catalog_matchreview_confirm",
            ),
            path(
                "<int:object_id>/reject/", view(self.reject_view), name="catalog_matchreview_reject"
            ),
            path(
                "<int:object_id>/link/<uuid:product_id>/",
                view(self.link_view),
                name="catalog_matchreview_link",
            ),
            *super().get_urls(),
        ]

    def _post_target(self, request: HttpRequest, object_id: int) -> PlatformMapping:
        mapping = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, mapping):
            raise PermissionDenied
        return mapping

    def confirm_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        try:
            mapping_confirm(mapping=self._post_target(request, object_id))
        except MappingNotConfirmable as error:
            # Back to its page, where the person can link it or keep it apart.
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:catalog_matchreview_change", object_id)
        self.message_user(request, _("Match confirmed."), messages.SUCCESS)
        return redirect("admin:catalog_matchreview_changelist")

    def reject_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        master = mapping_reject(mapping=self._post_target(request, object_id))
        self.message_user(
            request,
            _("Match rejected: the listing is now product %(sku)s.") % {"sku": master.sku},
            messages.SUCCESS,
        )
        return redirect("admin:catalog_matchreview_changelist")

    def link_view(self, request: HttpRequest, object_id: int, product_id) -> HttpResponseRedirect:
        """Link the listing to one of its other candidates."""
        mapping = self._post_target(request, object_id)
        target = get_object_or_404(
            MasterProduct.objects.filter(organization_id=mapping.organization_id), pk=product_id
        )
        try:
            mapping_relink(
                mapping=PlatformMapping.objects.get(pk=mapping.pk), master_product=target
            )
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:catalog_matchreview_change", object_id)
        self.message_user(request, _("Linked to %(sku)s.") % {"sku": target.sku}, messages.SUCCESS)
        return redirect("admin:catalog_matchreview_changelist")

    def save_model(self, request, obj, form, change):
        target = form.cleaned_data["master_product"]
        try:
            mapping_relink(mapping=PlatformMapping.objects.get(pk=obj.pk), master_product=target)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mapping = get_object_or_404(
            PlatformMapping.objects.select_related("master_product"),
            pk__in=self.get_queryset(request).values("pk"),
            pk=object_id,
        )
        listing = (mapping.platform_data or {}).get("listing", {})
        master = mapping.master_product
        candidates = _candidates(mapping)
        duplicate_of = None
        if mapping_decided_alone(mapping):
            # A listing kept apart: compare with the product it conflicts with, found as the
            # queue's row finds it; else the product already using the listing's SKU.
            duplicate_of = kept_apart_conflicts([mapping]).get(mapping.pk)
            if duplicate_of is None and listing.get("sku"):
                duplicate_of = (
                    MasterProduct.objects.filter(
                        organization_id=mapping.organization_id, sku=listing["sku"]
                    )
                    .exclude(pk=master.pk)
                    .first()
                )
            master = duplicate_of or master
        rows = [
            (_("Title"), listing.get("name", ""), master.name),
            (_("SKU"), listing.get("sku", ""), master.sku),
            (_("Brand"), listing.get("brand", ""), master.brand),
            (
                _("Price"),
                format_rupiah(Decimal(listing["base_price"])) if listing.get("base_price") else "—",
                format_rupiah(master.base_price),
            ),
            (_("Weight (kg)"), _localized(listing.get("weight_kg")), _localized(master.weight_kg)),
            (
                _("Category"),
                " / ".join(filter(None, [listing.get("category"), listing.get("subcategory")])),
                " / ".join(filter(None, [master.category, master.subcategory])),
            ),
            (
                _("Variants"),
                ", ".join(v.get("name", "") for v in listing.get("variants") or []) or "—",
                ", ".join(v.get("name", "") for v in master.variants or []) or "—",
            ),
        ]
        images = ((listing.get("images") or [{}])[0].get("url", ""), master.primary_image_url)
        extra_context = {
            **(extra_context or {}),
            "comparison": rows,
            "images": images,
            "mapping": mapping,
            "duplicate_of": duplicate_of,
            # No confirm button for a listing with no match to confirm (mapping_confirm refuses).
            "confirmable": mapping_confirm_refusal(mapping) is None,
            "other_candidates": [
                (product, row) for product, row in candidates if product.pk != master.pk
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)
