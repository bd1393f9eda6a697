"""What the hotel measures, in Prometheus' text format (prometheus_client).

Every process counts for itself and is scraped by itself: Prometheus' own
`instance` label tells the processes apart, and sum() and rate() add them up.
So nothing is shared between processes, and prometheus_client's multiprocess
mode (a directory of files that every process writes and that must be wiped
on each restart, where custom collectors do not work) is not needed.

- a web process (daphne) serves its figures at GET /metrics on its own port
  (habbo.metrics_http), behind METRICS_TOKEN;
- a consumer process (`manage.py kafka_consume … --metrics-port N`, or
  CONSUMER_METRICS_PORT) serves them at http://127.0.0.1:N/metrics;
- consumer lag is the same whichever process asks Kafka, and asking costs a
  few round trips per group: it has a registry of its own, read from Kafka at
  each scrape and served at GET /metrics/kafka of any web process, scraped once.
"""

import logging
import time
from collections.abc import Callable

from confluent_kafka import KafkaException
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

from habbo.bus import lag
from habbo.bus.registry import CONSUMERS
from habbo.health import check_kafka

log = logging.getLogger(__name__)

REQUESTS = Counter("hotel_http_requests", "HTTP requests answered, by method and status class", ["method", "status"])
SOCKETS_OPEN = Gauge("hotel_sockets_open", "WebSockets open in this process, by kind", ["kind"])
WALKS = Counter("hotel_walks", "Walks started in rooms (rate() gives walks per second)")
CHAT_LINES = Counter("hotel_chat_lines", "Chat lines sent in rooms, by kind (say, shout, whisper)", ["kind"])
EVENTS_APPLIED = Counter("hotel_events_applied", "Events a Kafka consumer applied (each once)", ["consumer"])
PUBLISH_SECONDS = Histogram(
    "hotel_publish_seconds", "From handing an event to the producer to Kafka's acknowledgement", ["topic"],
    # From a loopback broker's millisecond to KAFKA_PUBLISH_TIMEOUT_MS's default of 5 s.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PUBLISH_FAILURES = Counter("hotel_publish_failures", "Events Kafka did not acknowledge", ["topic"])

# Each series from 0 at the start, not missing until its first count.
for kind in ("hotel", "room"):
    SOCKETS_OPEN.labels(kind)
for kind in ("say", "shout", "whisper"):
    CHAT_LINES.labels(kind)


def sockets_open(kind: str, app):
    """A socket route's ASGI app, counted in hotel_sockets_open while each of
    its connections runs. Around the app, not in connect()/disconnect(): a
    connection whose consumer fails still ends, and the count with it; `send`
    is left as Daphne gave it (habbo.direct_frames looks at it)."""
    gauge = SOCKETS_OPEN.labels(kind)

    async def counted(scope, receive, send):
        with gauge.track_inprogress():
            return await app(scope, receive, send)

    return counted


def timed_delivery(topic: str, on_delivery: Callable) -> Callable:
    """The producer's delivery callback, timing the publish from now to Kafka's answer."""
    started = time.perf_counter()

    def report(err, msg):
        if err is None:
            PUBLISH_SECONDS.labels(topic).observe(time.perf_counter() - started)
        else:
            PUBLISH_FAILURES.labels(topic).inc()
        on_delivery(err, msg)

    return report


def serve_consumer_metrics(port: int, consumers: list[str]) -> None:
    """Serve this consumer process's metrics on 127.0.0.1:port (a thread of prometheus_client's)."""
    for name in consumers:
        EVENTS_APPLIED.labels(name)  # 0 from the start, so rate() has a first point
    start_http_server(port, addr="127.0.0.1")
    log.info("metrics at http://127.0.0.1:%d/metrics", port)


class ConsumerLag:
    """hotel_consumer_lag per group and partition, asked of Kafka at each scrape
    (habbo.bus.lag, as `manage.py kafka_lag`); hotel_kafka_up says whether
    Kafka answered at all. A group whose lag cannot be read (its topic is
    missing, say) has no series this time, and the reason is logged."""

    def describe(self):
        return self._families()

    def collect(self):
        lags, up = self._families()
        try:
            check_kafka()  # a short probe first: an unreachable Kafka costs 2 s, not a timeout per group
        except ConnectionError as exc:
            log.warning("consumer lag not read: Kafka is unreachable: %s", exc)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        for spec in CONSUMERS.values():
            try:
                rows = lag.lag(spec)
            except KafkaException as exc:
                log.warning("lag of consumer %s not read from Kafka: %s", spec.name, exc.args[0])
                continue
            for row in rows:
                lags.add_metric([spec.name, row.group, row.topic, str(row.partition)], row.lag)
        return [lags, up]

    @staticmethod
    def _families():
        return [
            GaugeMetricFamily(
                "hotel_consumer_lag", "Events on the partition the group has not committed yet",
                labels=["consumer", "group", "topic", "partition"],
            ),
            GaugeMetricFamily("hotel_kafka_up", "1 if Kafka answered this scrape's lag questions, else 0"),
        ]


KAFKA_REGISTRY = CollectorRegistry()
KAFKA_REGISTRY.register(ConsumerLag())
