"""The marketplaces' authorization callback: check our state, exchange the code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.platforms import Platform
from core.selectors import Role, organization_ids_for_user
from imports.clients.errors import MarketplaceError
from imports.models import ChannelConnection
from imports.services import connection_authorization_complete

OAUTH_SESSION_KEY = "syncstore_oauth_states"  # state -> connection id, per browser session


def _refuse(message: str) -> HttpResponseBadRequest:
    title = _("Authorization refused")
    return HttpResponseBadRequest(f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")


@staff_member_required
def oauth_callback(request: HttpRequest, platform: str) -> HttpResponse:
    if platform not in Platform.values:
        return _refuse(_("Unknown platform."))
    state = request.GET.get("state", "")
    states = request.session.get(OAUTH_SESSION_KEY, {})
    connection_id = states.pop(state, None) if state else None
    request.session[OAUTH_SESSION_KEY] = states
    if connection_id is None:
        # Not a flow this browser session started: possibly forged (CSRF) or replayed.
        return _refuse(
            _(
                "This authorization was not started from this SyncStore session "
                "(the state does not match). Start again from the connection page."
            )
        )
    connections = ChannelConnection.objects.filter(platform=platform)
    if not request.user.is_superuser:
        connections = connections.filter(
            organization_id__in=organization_ids_for_user(user=request.user, roles=[Role.OWNER])
        )
    connection = connections.filter(pk=connection_id).first()
    if connection is None:
        return _refuse(_("You may not connect this shop."))
    code = request.GET.get("code", "")
    if not code:
        return _refuse(_("The platform sent no authorization code."))
    try:
        connection = connection_authorization_complete(
            connection=connection, code=code, shop_id=request.GET.get("shop_id")
        )
    except (MarketplaceError, ValueError) as error:
        messages.error(request, _("Connecting %(c)s failed: %(e)s") % {"c": connection, "e": error})
    else:
        messages.success(
            request,
            _("%(c)s is connected to %(shop)s.")
            % {"c": connection, "shop": connection.shop_name or connection.shop_id},
        )
    return redirect("admin:imports_channelconnection_change", connection.pk)
