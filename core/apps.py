from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    # Its only page in the admin is the organizations (sellers) and their members.
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core.timestamps import read_timestamps_in_c

        connection_created.connect(read_timestamps_in_c, dispatch_uid="core.timestamps")
