"""The admin home and sidebar list SyncStore's own apps first, the framework's last.

Django sorts apps by name, which put Auth token, Authentication and Background tasks above
Catalog. `admin.site` is used everywhere (registrations, URLs, tests), so the default site
keeps its identity and only its `get_app_list` is wrapped; the index and the navigation
sidebar both read it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest

# The day-to-day work, in the order a seller goes through it; everything else follows.
FIRST_APPS = ("catalog", "imports", "pricing", "seo", "core")


def app_order_key(app: dict[str, Any]) -> tuple[int, str]:
    label = app["app_label"]
    rank = FIRST_APPS.index(label) if label in FIRST_APPS else len(FIRST_APPS)
    return rank, str(app["name"]).lower()


def install(site: AdminSite) -> None:
    """Order `site`'s app list: ours first, then the rest by name (as Django does)."""
    if getattr(site, "_syncstore_ordered", False):  # urls.py imported again (tests, reload)
        return
    unordered = site.get_app_list  # the bound method of the site's own class

    def get_app_list(request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        return sorted(unordered(request, app_label), key=app_order_key)

    site.get_app_list = get_app_list  # type: ignore[method-assign]
    site._syncstore_ordered = True  # type: ignore[attr-defined]
