"""`/healthz` and `/readyz` for load balancers and process supervisors.

Answered by a middleware placed first: a balancer asks by IP or by a name
outside ALLOWED_HOSTS, over plain HTTP, without a session, and must get the
answer itself, not a 400, an HTTPS redirect or the login page.
"""

import logging

import redis
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    # A client of its own with short timeouts: the shared ones wait as long
    # as a busy game needs, a probe must answer quickly.
    timeouts = {"socket_connect_timeout": PROBE_TIMEOUT_S, "socket_timeout": PROBE_TIMEOUT_S}
    if settings.REDIS_CLUSTER:
        _check_cluster(timeouts)
        return
    client = redis.Redis.from_url(settings.REDIS_URL, **timeouts)
    try:
        client.ping()
    finally:
        client.close()


_cluster_probes: dict[str, redis.RedisCluster] = {}


def _check_cluster(timeouts: dict) -> None:
    """Ready while any node of the Redis Cluster answers: a master down is a
    failover that every process sees alike, and must not take them all out
    of the balancer. The client is kept: once it knows the nodes, the one
    REDIS_URL names may be the one down."""
    client = _cluster_probes.get(settings.REDIS_URL)
    if client is None:
        client = _cluster_probes[settings.REDIS_URL] = redis.RedisCluster.from_url(settings.REDIS_URL, **timeouts)
    for node in client.get_nodes():
        try:
            client.ping(target_nodes=node)
            return
        except redis.RedisError as exc:
            down = exc
    raise down


def check_kafka() -> None:
    # log_level 0: an unreachable broker is the answer, not stderr noise.
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "log_level": 0})
    try:
        admin.list_topics(timeout=PROBE_TIMEOUT_S)
    except KafkaException as exc:
        raise ConnectionError(exc.args[0].str()) from exc


CHECKS = {"database": check_database, "redis": check_redis, "kafka": check_kafka}


def readiness(without: set[str] = frozenset()) -> dict[str, str]:
    """Each check's "ok", or its short error; the checks named in `without` are left out."""
    results = {}
    for name, check in CHECKS.items():
        if name in without:
            continue
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"{type(exc).__name__}: {exc}"
    return results


def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request) -> JsonResponse:
    """`?without=kafka` leaves a check out: the load balancer's question is
    whether this process can serve players, and a Kafka outage is every
    process's alike (walking goes on; durable actions are refused with a
    clear error), so it must not take them all out of the balancer."""
    checks = readiness(set(request.GET.getlist("without")))
    if all(result == "ok" for result in checks.values()):
        return JsonResponse({"status": "ready", "checks": checks})
    log.warning("not ready: %s", checks)
    response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    # A dependency being down is the answer asked for, not a server error:
    # keep django.request from logging it as one on every poll.
    response._has_been_logged = True
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthMiddleware:
    """Answers the probes before any other middleware sees the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
