"""The admin action that re-matches an organization's catalog: a dry run first, then the
real run in the background (a django-q2 task)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.rematch import KINDS, RematchReport, catalog_rematch
from core.admin_base import role_action
from core.models import Organization
from core.roles import Capability

SHOWN_PER_KIND = 20


def _sample_rows(report: RematchReport) -> list[dict]:
    """A few changes of each kind, links first, each with why in the reader's language."""
    rows = []
    for kind in KINDS:
        for row in [row for row in report.actions if row["action"] == kind][:SHOWN_PER_KIND]:
            rows.append({**row, "why_text": _(row["why"]) % row["params"]})
    return rows


def rematch_queue(*, organization: Organization, user_id: int | None) -> None:
    """Queue the real re-match once the surrounding transaction commits."""
    from django_q.tasks import async_task

    def enqueue() -> None:
        async_task(
            "catalog.tasks.rematch_catalog",
            organization.pk,
            task_name=f"rematch-{organization.slug}",
            group=f"rematch-{organization.pk}",
        )

    if user_id is not None:
        LogEntry.objects.log_actions(
            user_id=user_id,
            queryset=Organization.objects.filter(pk=organization.pk),
            action_flag=CHANGE,
            change_message=_("Re-matching of the catalog started"),
        )
    transaction.on_commit(enqueue)


@role_action(
    Capability.REMATCH_CATALOG,
    description=gettext_lazy("Re-match the catalog (shows what would change first)"),
)
def rematch_catalog_action(
    modeladmin, request: HttpRequest, queryset: QuerySet[Organization]
) -> TemplateResponse | None:
    allowed = list(queryset)  # role_action refused the lot if any one was not allowed
    if request.POST.get("confirm") == "yes":
        for organization in allowed:
            rematch_queue(organization=organization, user_id=request.user.pk)
        modeladmin.message_user(
            request,
            _(
                "Re-matching started for %(names)s. Products, links and the review queue "
                "change as it finishes (see Background tasks)."
            )
            % {"names": ", ".join(o.name for o in allowed)},
            messages.SUCCESS,
        )
        return None
    reports = []
    for organization in allowed:
        report = catalog_rematch(organization_id=organization.pk, dry_run=True)
        reports.append((organization, report, _sample_rows(report)))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Re-match the catalog"),
        "reports": reports,
        "queryset": allowed,
        "opts": modeladmin.model._meta,
        "action_name": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "shown": SHOWN_PER_KIND,
    }
    return TemplateResponse(request, "admin/catalog/rematch.html", context)
