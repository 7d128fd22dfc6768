from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    # Its only page in the admin is the organizations (sellers) and their members.
    verbose_name = _("Organizations")
