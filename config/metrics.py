"""GET /metrics: Prometheus text exposition, restricted to allowed networks or a token.

Import figures are read from the database at scrape time, so every worker's jobs count, on
any machine. Request latency is this web process's own (Prometheus scrapes each process).
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, F, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestLatency:
    """A histogram of request durations per method and status class, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.buckets: dict[tuple[str, str], list[int]] = defaultdict(
            lambda: [0] * (len(LATENCY_BUCKETS) + 1)
        )
        self.sums: dict[tuple[str, str], float] = defaultdict(float)

    def observe(self, method: str, status: int, seconds: float) -> None:
        key = (method, f"{status // 100}xx")
        with self._lock:
            counts = self.buckets[key]
            for position, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    counts[position] += 1
            counts[-1] += 1
            self.sums[key] += seconds

    def lines(self) -> list[str]:
        out = [
            "# HELP syncstore_http_request_duration_seconds Web request latency.",
            "# TYPE syncstore_http_request_duration_seconds histogram",
        ]
        with self._lock:
            for (method, status), counts in sorted(self.buckets.items()):
                labels = f'method="{method}",status="{status}"'
                for bound, count in zip(LATENCY_BUCKETS, counts, strict=False):
                    out.append(
                        f"syncstore_http_request_duration_seconds_bucket{{{labels},"
                        f'le="{bound}"}} {count}'
                    )
                out.append(
                    f"syncstore_http_request_duration_seconds_bucket{{{labels},"
                    f'le="+Inf"}} {counts[-1]}'
                )
                out.append(
                    f"syncstore_http_request_duration_seconds_sum{{{labels}}} "
                    f"{self.sums[(method, status)]:.6f}"
                )
                out.append(
                    f"syncstore_http_request_duration_seconds_count{{{labels}}} {counts[-1]}"
                )
        return out


REQUEST_LATENCY = RequestLatency()


def monitoring_allowed(request: HttpRequest) -> bool:
    """A monitor we trust: from METRICS_ALLOWED_NETWORKS, or bearing METRICS_TOKEN."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    from config.abuse import client_ip

    # Behind TRUSTED_PROXY_COUNT proxies on this machine every caller's REMOTE_ADDR is
    # loopback: the address the proxies vouch for is the one to judge.
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


def _escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _import_lines() -> list[str]:
    from imports.models import ImportJob, ImportJobEvent

    out = [
        "# HELP syncstore_import_jobs_total Import jobs by platform and outcome.",
        "# TYPE syncstore_import_jobs_total counter",
    ]
    for row in (
        ImportJob.objects.values("platform", "status")
        .annotate(n=Count("pk"))
        .order_by("platform", "status")
    ):
        out.append(
            f'syncstore_import_jobs_total{{platform="{row["platform"]}",'
            f'status="{row["status"]}"}} {row["n"]}'
        )
    out += [
        "# HELP syncstore_import_duration_seconds Duration of finished imports.",
        "# TYPE syncstore_import_duration_seconds summary",
    ]
    finished = ImportJob.objects.filter(finished_at__isnull=False, started_at__isnull=False)
    for row in (
        finished.values("platform")
        .annotate(n=Count("pk"), total=Sum(F("finished_at") - F("started_at")))
        .order_by("platform")
    ):
        seconds = row["total"].total_seconds() if row["total"] else 0.0
        out.append(
            f'syncstore_import_duration_seconds_sum{{platform="{row["platform"]}"}} {seconds:.3f}'
        )
        out.append(
            f'syncstore_import_duration_seconds_count{{platform="{row["platform"]}"}} {row["n"]}'
        )
    out += [
        "# HELP syncstore_import_records_total Listings by platform and what became of them.",
        "# TYPE syncstore_import_records_total counter",
    ]
    totals = (
        ImportJob.objects.values("platform")
        .annotate(
            fetched=Sum("fetched_count"),
            stored=Sum("stored_count"),
            failed=Sum("failed_count"),
            processed=Sum("processed_count"),
            invalid=Sum("invalid_count"),
        )
        .order_by("platform")
    )
    for row in totals:
        for outcome in ("fetched", "stored", "failed", "processed", "invalid"):
            out.append(
                f'syncstore_import_records_total{{platform="{row["platform"]}",'
                f'outcome="{outcome}"}} {row[outcome] or 0}'
            )
    out += [
        "# HELP syncstore_import_errors_total Import errors by error type.",
        "# TYPE syncstore_import_errors_total counter",
    ]
    for row in (
        ImportJobEvent.objects.filter(level="error")
        .exclude(error_type="")
        .values("error_type")
        .annotate(n=Count("pk"))
        .order_by("error_type")
    ):
        out.append(
            f'syncstore_import_errors_total{{error_type="{_escape(row["error_type"])}"}} {row["n"]}'
        )
    calls: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for platform, stats in (
        ImportJob.objects.exclude(api_stats={})
        .values_list("platform", "api_stats")
        .iterator(chunk_size=500)
    ):
        for endpoint, entry in (stats or {}).items():
            for key, value in entry.items():
                calls[(platform, endpoint)][key] += value
    out += [
        "# HELP syncstore_marketplace_calls_total Marketplace API calls by endpoint.",
        "# TYPE syncstore_marketplace_calls_total counter",
    ]
    for (platform, endpoint), entry in sorted(calls.items()):
        labels = f'platform="{platform}",endpoint="{_escape(endpoint)}"'
        out.append(f"syncstore_marketplace_calls_total{{{labels}}} {int(entry['calls'])}")
    out += [
        "# HELP syncstore_marketplace_call_seconds_total Time spent in marketplace calls.",
        "# TYPE syncstore_marketplace_call_seconds_total counter",
    ]
    for (platform, endpoint), entry in sorted(calls.items()):
        labels = f'platform="{platform}",endpoint="{_escape(endpoint)}"'
        out.append(f"syncstore_marketplace_call_seconds_total{{{labels}}} {entry['seconds']:.4f}")
    out += [
        "# HELP syncstore_marketplace_retries_total Retried marketplace calls.",
        "# TYPE syncstore_marketplace_retries_total counter",
    ]
    for (platform, endpoint), entry in sorted(calls.items()):
        labels = f'platform="{platform}",endpoint="{_escape(endpoint)}"'
        out.append(f"syncstore_marketplace_retries_total{{{labels}}} {int(entry['retries'])}")
    return out


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not monitoring_allowed(request):
        return HttpResponseForbidden("metrics are restricted\n", content_type="text/plain")
    lines = _import_lines() + REQUEST_LATENCY.lines()
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8"
    )
