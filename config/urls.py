from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("SyncStore")
admin.site.site_title = _("SyncStore admin")
admin.site.index_title = _("Catalog administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("imports/", include("imports.urls")),
]
