"""Admin forms: readable editing of images, variants, tags and locked fields."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from catalog.field_values import same_meaning
from catalog.models import MasterProduct
from core.money import format_rupiah
from core.safe_json import NUL, UnsafeJSON, check_json_text_depth, check_no_nul, nul_error

PRIMARY_MARK = "*"


class ImageListField(forms.CharField):
    """One image per line: `url | alt text`; a leading `*` marks the primary image."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 100, "class": "vLargeTextField"})

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        lines = []
        for image in value or []:
            if not isinstance(image, dict):
                continue
            mark = PRIMARY_MARK if image.get("primary") else ""
            alt = image.get("alt") or ""
            lines.append(f"{mark}{image.get('url', '')}" + (f" | {alt}" if alt else ""))
        return "\n".join(lines)

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            return value
        if NUL in (value or ""):  # the CharField check misses it once the text is a list
            raise ValidationError(nul_error(""))
        images: list[dict[str, Any]] = []
        validate_url = URLValidator(schemes=["http", "https"])
        for number, raw_line in enumerate((value or "").splitlines(), start=1):
            line = raw_line.strip()
            if not line:
                continue
            primary = line.startswith(PRIMARY_MARK)
            url, _sep, alt = line.lstrip(PRIMARY_MARK).partition("|")
            url = url.strip()
            try:
                validate_url(url)
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(line)s: %(url)s is not a valid http(s) URL."),
                    params={"line": number, "url": url[:80]},
                ) from exc
            images.append({"url": url, "alt": alt.strip(), "primary": primary})
        if images and not any(image["primary"] for image in images):
            images[0]["primary"] = True
        if sum(image["primary"] for image in images) > 1:
            raise ValidationError(_("Only one image can be primary (marked with *)."))
        return images


class VariantListField(forms.JSONField):
    """Variants as indented JSON, checked for the fields the catalog relies on."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 100, "class": "vLargeTextField"})

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value or [], indent=2, ensure_ascii=False)

    def to_python(self, value: Any) -> Any:
        # json recurses per nesting level: deep input must be refused before it is parsed.
        if isinstance(value, str) and not self.disabled:
            try:
                check_json_text_depth(value)
            except UnsafeJSON as exc:
                raise ValidationError(exc.message, code="too_deep") from exc
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Re-showing the form after an error parses the text again: not when too deep.
        if isinstance(data, str) and not self.disabled:
            try:
                check_json_text_depth(data)
            except UnsafeJSON:
                return InvalidJSONInput(data)
        return super().bound_data(data, initial)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in (None, ""):
            return
        try:
            check_no_nul(value, "variants")  # PostgreSQL cannot store a NUL in jsonb
        except UnsafeJSON as exc:
            raise ValidationError(exc.message, code="null_characters_not_allowed") from exc
        if not isinstance(value, list):
            raise ValidationError(_("Variants must be a list of objects."))
        for index, variant in enumerate(value, start=1):
            if not isinstance(variant, dict):
                raise ValidationError(_("Variant %(n)s must be an object."), params={"n": index})
            if not str(variant.get("sku", "")).strip():
                raise ValidationError(_("Variant %(n)s has no sku."), params={"n": index})
            if "price" in variant and variant["price"] is not None:
                try:
                    price = Decimal(str(variant["price"]))
                except InvalidOperation as exc:
                    raise ValidationError(
                        _("Variant %(n)s: price %(price)s is not a number."),
                        params={"n": index, "price": str(variant["price"])[:40]},
                    ) from exc
                if price < 0:
                    raise ValidationError(
                        _("Variant %(n)s: price cannot be negative."), params={"n": index}
                    )


class MasterProductAdminForm(forms.ModelForm):
    images = ImageListField(
        label=_("Images"),
        required=False,
        help_text=_("One per line: URL | alt text. Start a line with * for the primary image."),
    )
    variants = VariantListField(
        label=_("Variants"),
        required=False,
        help_text=_('JSON list, e.g. [{"sku": "KAOS-M", "name": "M", "price": "99000"}].'),
    )
    locked_fields = forms.MultipleChoiceField(
        label=_("Locked fields"),
        required=False,
        choices=[
            (name, MasterProduct._meta.get_field(name).verbose_name)
            for name in MasterProduct.LOCKABLE_FIELDS
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Imports do not overwrite these. Fields you edit are locked automatically."),
    )

    class Meta:
        model = MasterProduct
        fields = [
            "organization",
            "sku",
            "name",
            "brand",
            "status",
            "base_price",
            "cost_price",
            "currency",
            "short_description",
            "full_description",
            "category",
            "subcategory",
            "tags",
            "weight_kg",
            "length_cm",
            "width_cm",
            "height_cm",
            "images",
            "variants",
            "locked_fields",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"class": "vLargeTextField", "size": 90}),
            "short_description": forms.Textarea(attrs={"rows": 3, "cols": 90}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Amounts also read the rupiah way next to the plain number being edited.
        for name in ("base_price", "cost_price"):
            amount = getattr(self.instance, name, None)
            if amount is not None and name in self.fields:
                self.fields[name].help_text = format_rupiah(amount)
        # A padlock on each locked field's label: the merchandiser sees what imports leave alone.
        for name in self.instance.locked_fields or []:
            field = self.fields.get(name)
            if field is not None:
                field.label = f"{field.label} 🔒"
                field.widget.attrs["data-locked"] = "true"
                locked_note = _("Locked: imports leave this field alone.")
                field.help_text = f"{locked_note} {field.help_text}".strip()

    def clean_variants(self) -> list[Any]:
        return self.cleaned_data.get("variants") or []

    @property
    def changed_data(self) -> list[str]:
        """Django's changed fields, less those whose meaning is the same.

        A textarea comes back with `\r\n` line breaks and stripped of surrounding spaces, the
        image list without empty alt texts: Django counts those as changes, which would lock
        the field against imports and tell History "Changed Full description." on a plain
        save. Fields that did not validate stay counted as changed. (A property, not cached:
        asked before the form is cleaned, it must not keep the raw answer.)
        """
        changed = super().changed_data
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return changed
        return [
            name
            for name in changed
            if name not in cleaned
            or not same_meaning(
                name, self.get_initial_for_field(self.fields[name], name), cleaned[name]
            )
        ]
