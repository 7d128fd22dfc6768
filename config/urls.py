from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import health
from config.metrics import metrics

admin.site.site_header = _("SyncStore")
admin.site.site_title = _("SyncStore admin")
admin.site.index_title = _("Catalog administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the admin's language switcher
    path("imports/", include("imports.urls")),
    path("api/health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include(("config.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
