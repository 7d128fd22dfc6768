"""The price simulator's form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pricing.models import CategoryGroup, SellerTier

PERCENT = {"max_digits": 6, "decimal_places": 2, "min_value": Decimal("0")}


class SimulatorForm(forms.Form):
    cost = forms.DecimalField(
        label=_("Cost (HPP), Rp"),
        required=False,
        max_digits=12,
        decimal_places=0,
        min_value=Decimal("0"),
    )
    target_margin = forms.DecimalField(
        label=_("Target margin %"), initial=20, required=False, max_digits=5, decimal_places=2
    )
    price = forms.DecimalField(
        label=_("Or a list price, Rp"),
        required=False,
        max_digits=12,
        decimal_places=0,
        min_value=Decimal("0"),
        help_text=_("Leave empty to compute the price for the margin."),
    )
    seller_tier = forms.ChoiceField(label=_("Seller tier"), choices=SellerTier.choices)
    category_group = forms.ChoiceField(
        label=_("Category group"), choices=[c for c in CategoryGroup.choices if c[0]]
    )
    discount = forms.DecimalField(label=_("Seller discount %"), initial=0, **PERCENT)
    shipping = forms.DecimalField(
        label=_("Shipping the seller pays, Rp"),
        initial=0,
        max_digits=12,
        decimal_places=0,
        min_value=Decimal("0"),
    )
    program_percent = forms.DecimalField(label=_("Program fee % (opt-in)"), initial=0, **PERCENT)
    program_cap = forms.DecimalField(
        label=_("Program fee cap per item, Rp"),
        required=False,
        max_digits=12,
        decimal_places=0,
        min_value=Decimal("0"),
    )
    affiliate_percent = forms.DecimalField(label=_("Affiliate %"), initial=0, **PERCENT)
    pph22 = forms.BooleanField(
        label=_("PPh 22 withheld (turnover above Rp500m)"), required=False, initial=True
    )
    on = forms.DateField(
        label=_("Fees in force on"),
        initial=timezone.localdate,
        # A date input takes only ISO dates (2026-11-30): the language's format (30-11-2026
        # in Bahasa Indonesia) leaves it empty and the browser then refuses to submit.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price") is None and cleaned.get("cost") is None:
            raise forms.ValidationError(_("Enter a cost (and margin) or a list price."))
        if cleaned.get("price") is None and cleaned.get("target_margin") is None:
            self.add_error("target_margin", _("Enter the margin to price for."))
        if cleaned.get("discount") is not None and cleaned["discount"] >= 100:
            self.add_error("discount", _("A discount must be below 100%."))
        return cleaned
