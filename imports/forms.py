"""Admin forms for connections: secrets are write-only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ChannelConnection
from imports.platforms import adapter_for

SECRETS = ("partner_key", "app_secret")
SECRET_HELP = _("Write-only: leave empty to keep the stored value.")


class ChannelConnectionForm(forms.ModelForm):
    base_url = forms.URLField(label=_("API base URL"), assume_scheme="https")
    auth_base_url = forms.URLField(label=_("Token host URL"), required=False, assume_scheme="https")
    authorize_url = forms.URLField(
        label=_("Seller authorization page"), required=False, assume_scheme="https"
    )
    partner_key = forms.CharField(
        label=_("Partner key"),
        required=False,
        help_text=SECRET_HELP,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    app_secret = forms.CharField(
        label=_("App secret"),
        required=False,
        help_text=SECRET_HELP,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = ChannelConnection
        fields = [
            "organization",
            "platform",
            "name",
            "base_url",
            "auth_base_url",
            "authorize_url",
            "partner_id",
            "partner_key",
            "app_key",
            "app_secret",
            "service_id",
            "shop_id",
            "shop_cipher",
            "rate_limit_qps",
            "concurrency",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kept aside before the form writes its (empty) secret fields onto the instance.
        self._stored_secrets = {name: getattr(self.instance, name) for name in SECRETS}

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform")
        if not platform:  # the field's own error says why
            return cleaned
        for name, message in adapter_for(platform).form_requirements:
            # A secret left empty keeps the stored one.
            if not (cleaned.get(name) or self._stored_secrets.get(name)):
                self.add_error(name, message)
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        # Empty means: keep what is stored. Put it back on the instance at once, so a form
        # shown again with errors still says the secret is set.
        for name in SECRETS:
            if not self.cleaned_data.get(name):
                setattr(self.instance, name, self._stored_secrets[name])
