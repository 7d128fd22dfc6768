"""One error body under /api/, whatever fails, and no NUL characters in any query string.

DRF's exception handler (catalog.api.base.api_exception_handler) shapes the errors its views
raise. Everything else that can answer a request under /api/ (an unknown path, a bad id in
the URL, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, an unexpected exception: Django's HTML
pages, with a traceback in DEBUG) is turned into the same JSON body here:
{"error": {"status", "code", "message", "fields"}}.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

API_PREFIX = "/api/"
NUL = "\x00"
# Kept from the replaced response: they tell the client what to do next.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-Id")

logger = logging.getLogger("django.security.api")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request is malformed.")),
        401: ("not_authenticated", _("Authentication credentials were not provided.")),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request body is too large.")),
        415: ("unsupported_media_type", _("This content type is not supported.")),
        429: ("throttled", _("Too many requests. Try again later.")),
    }


def error_body(status: int, code: str, message: str) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": {}}}


def error_response(status: int, code: str = "", message: str = "") -> JsonResponse:
    known_code, known_message = _messages().get(status, ("", ""))
    if status >= 500:
        # Never the exception's text: it can hold data or internals; the log has it.
        known_code = "server_error"
        known_message = _("Something went wrong on our side. It was logged; try again later.")
    if not known_code:
        known_code, known_message = "error", HTTPStatus(status).phrase
    return JsonResponse(
        error_body(status, code or known_code, str(message or known_message)), status=status
    )


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def has_nul(request: HttpRequest) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class ApiErrorMiddleware:
    """Under /api/: a NUL in the query string is a 400; any other error response that is not
    already JSON becomes the API's error body. Elsewhere (the admin): a NUL in the query
    string is a plain 400 page instead of a database error (PostgreSQL refuses NUL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nul_message = _("The address contains a NUL character, which is not allowed.")
        if not is_api(request):
            if has_nul(request):
                return HttpResponseBadRequest(
                    str(nul_message), content_type="text/plain; charset=utf-8"
                )
            return self.get_response(request)
        if has_nul(request):
            return error_response(400, "invalid", str(nul_message))
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response) or _is_browsable_api(response):
            return response
        replacement = error_response(response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django's answer would be an HTML 400.
        if is_api(request) and isinstance(exception, RequestDataTooBig):
            logger.warning("Refused an oversized request body on %s", request.path)
            return error_response(413)
        return None  # anything else: Django logs it, then __call__ reshapes the 500 page


def _is_browsable_api(response: HttpResponse) -> bool:
    # DRF's own error page for a browser (Accept: text/html), with its forms: kept.
    return isinstance(response, Response) and response.get("Content-Type", "").startswith(
        "text/html"
    )


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.split(";")[0].strip().endswith("json")
