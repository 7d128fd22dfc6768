"""The REST API under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from catalog.api.views import MappingViewSet, ProductViewSet, QualitySummaryView
from config.api_auth import ObtainTokenView
from imports.api.publishing import PublishJobViewSet, PublishView
from imports.api.views import ConnectionViewSet, ImportJobViewSet
from pricing.api.views import QuoteView

router = DefaultRouter()
router.register("products", ProductViewSet, basename="product")
router.register("mappings", MappingViewSet, basename="mapping")
router.register("import-jobs", ImportJobViewSet, basename="import-job")
router.register("connections", ConnectionViewSet, basename="connection")
router.register("publish-jobs", PublishJobViewSet, basename="publish-job")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("pricing/quote/", QuoteView.as_view(), name="pricing-quote"),
    path("quality/summary/", QualitySummaryView.as_view(), name="quality-summary"),
    # Before the router: "publish" would otherwise be read as a mapping id.
    path("mappings/publish/", PublishView.as_view(), name="mapping-publish"),
    path("", include(router.urls)),
]
