"""Request latency for /metrics."""

from __future__ import annotations

import time
import uuid

from config.metrics import REQUEST_LATENCY
from core.log_context import log_context


class RequestLatencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_LATENCY.observe(request.method, response.status_code, time.perf_counter() - started)
        return response


class RequestIdMiddleware:
    """Every request gets an id (the caller's X-Request-Id, or a new one) in its log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        with log_context(request_id=request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
