from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import admin_order
from config.health import health
from config.metrics import metrics

admin.site.site_header = _("SyncStore")
admin.site.site_title = _("SyncStore admin")
admin.site.index_title = _("Catalog administration")
admin_order.install(admin.site)


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Browsers ask every site for /favicon.ico; the file is a static one (hashed name in
    # production, so resolved per request rather than at import).
    return HttpResponseRedirect(static("syncstore/favicon.ico"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the admin's language switcher
    path("imports/", include("imports.urls")),
    path("api/health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include(("config.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
