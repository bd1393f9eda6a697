"""A web process's GET /metrics and GET /metrics/kafka, and the count of every
other request it answers (habbo.metrics).

Prometheus scrapes each web process at its own address, by IP and over plain
HTTP on loopback, so these are answered before the host check and the HTTPS
redirect, as the health probes are, and only for `Authorization: Bearer
<METRICS_TOKEN>`. Without METRICS_TOKEN they are not served: the path is an
unknown page like any other.
"""

import hmac

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

from habbo.metrics import KAFKA_REGISTRY, REQUESTS

ENDPOINTS = {"/metrics": REGISTRY, "/metrics/kafka": KAFKA_REGISTRY}
# Anything else is counted as "other": a label per made-up method would grow without bound.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def authorized(request) -> bool:
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {settings.METRICS_TOKEN}".encode())


def scrape(request, registry) -> HttpResponse:
    if not authorized(request):
        response = HttpResponse("metrics need Authorization: Bearer <METRICS_TOKEN>\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(registry), content_type=content_type)


class MetricsMiddleware:
    """Placed right after the health probes: scrapes and probes are not counted as requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        registry = ENDPOINTS.get(request.path_info)
        if registry is not None and settings.METRICS_TOKEN and request.method in ("GET", "HEAD"):
            return scrape(request, registry)
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        return response
