"""Publishing events: an action reports success only after the broker's ack.

One idempotent producer (acks=all) per process. A background thread serves
its delivery reports, so a publisher only waits on its own message. If Kafka
does not acknowledge within KAFKA_PUBLISH_TIMEOUT_MS the message is dropped
by the client (message.timeout.ms) and EventBusUnavailable is raised: the
caller reports an error and nothing was published.
"""

import asyncio
import logging
import threading
from collections.abc import Callable

from confluent_kafka import KafkaError, KafkaException, Producer
from django.conf import settings

from habbo import metrics
from habbo.bus.events import Envelope, Event

log = logging.getLogger(__name__)


class EventBusUnavailable(Exception):
    """Kafka did not acknowledge the event in time; nothing was published."""


_lock = threading.Lock()
_producer: Producer | None = None


def producer_config(client_id: str) -> dict:
    return {
        "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
        "client.id": client_id,
        "enable.idempotence": True,
        "acks": "all",
        "message.timeout.ms": settings.KAFKA_PUBLISH_TIMEOUT_MS,
        # Every publisher waits for its ack: lingering to fill a batch only adds
        # latency (librdkafka still batches what queues while a request is out).
        "linger.ms": 0,
        "logger": logging.getLogger("habbo.bus.librdkafka"),
    }


def _serve_delivery_reports(producer: Producer) -> None:
    while True:
        try:
            producer.poll(0.5)
        except Exception:  # a failing callback must not stop every later publish
            log.exception("delivery report callback failed")


def get_producer() -> Producer:
    global _producer
    with _lock:
        if _producer is None:
            _producer = Producer(producer_config("hotel-web"))
            threading.Thread(
                target=_serve_delivery_reports, args=(_producer,), name="kafka-delivery", daemon=True
            ).start()
        return _producer


def _produce(topic: str, envelope: Envelope, on_delivery: Callable) -> None:
    try:
        get_producer().produce(
            topic,
            key=envelope.key.encode(),
            value=envelope.model_dump_json().encode(),
            headers={"event-type": envelope.type},
            on_delivery=metrics.timed_delivery(topic, on_delivery),
        )
    except (BufferError, KafkaException) as exc:
        raise EventBusUnavailable(f"cannot queue the event: {exc}") from exc


def _failure(err: KafkaError) -> EventBusUnavailable:
    return EventBusUnavailable(f"Kafka did not acknowledge the event: {err.str()}")


def _wait_limit() -> float:
    # The client itself gives up after message.timeout.ms; a little more for the report.
    return settings.KAFKA_PUBLISH_TIMEOUT_MS / 1000 + 2


def publish(event: Event, *, actor: int | None) -> Envelope:
    """Publish and block until Kafka acknowledged it (for views and commands)."""
    envelope = event.envelope(actor=actor)
    publish_envelope(event.TOPIC.full_name, envelope)
    return envelope


def publish_envelope(topic: str, envelope: Envelope) -> None:
    done = threading.Event()
    outcome: list[KafkaError | None] = []

    def on_delivery(err, _msg):
        outcome.append(err)
        done.set()

    _produce(topic, envelope, on_delivery)
    if not done.wait(_wait_limit()):
        raise EventBusUnavailable("Kafka did not answer in time")
    if outcome[0] is not None:
        raise _failure(outcome[0])


async def apublish(event: Event, *, actor: int | None) -> Envelope:
    """Publish and await Kafka's acknowledgement (for WebSocket consumers)."""
    envelope = event.envelope(actor=actor)
    await apublish_envelope(event.TOPIC.full_name, envelope)
    return envelope


async def apublish_envelope(topic: str, envelope: Envelope) -> None:
    loop = asyncio.get_running_loop()
    acked: asyncio.Future = loop.create_future()

    def on_delivery(err, _msg):
        try:
            loop.call_soon_threadsafe(lambda: acked.done() or acked.set_result(err))
        except RuntimeError:
            pass  # the waiting event loop is gone (shut down); nobody is waiting

    _produce(topic, envelope, on_delivery)
    try:
        err = await asyncio.wait_for(acked, _wait_limit())
    except TimeoutError as exc:
        raise EventBusUnavailable("Kafka did not answer in time") from exc
    if err is not None:
        raise _failure(err)


async def apublish_many(messages: list[tuple[str, Envelope]]) -> list[bool]:
    """Publish (topic, envelope) pairs together and await every acknowledgement,
    with one wake-up of the event loop for them all; True for each Kafka
    acknowledged in time. Queued at once, they go in as few requests as the
    broker's partitions allow, where one by one each is a request of its own."""
    if not messages:
        return []
    loop = asyncio.get_running_loop()
    all_reported: asyncio.Future = loop.create_future()
    acked = [False] * len(messages)
    lock = threading.Lock()
    waiting = [len(messages)]

    def reported(i: int, ok: bool) -> None:
        with lock:
            acked[i] = ok
            waiting[0] -= 1
            last = waiting[0] == 0
        if last:
            try:
                loop.call_soon_threadsafe(lambda: all_reported.done() or all_reported.set_result(None))
            except RuntimeError:
                pass  # the waiting event loop is gone (shut down); nobody is waiting

    for i, (topic, envelope) in enumerate(messages):
        try:
            _produce(topic, envelope, lambda err, _msg, i=i: reported(i, err is None))
        except EventBusUnavailable as exc:  # a full queue, or the producer failed for good
            log.warning("%s %s not queued: %s", envelope.type, envelope.id, exc)
            reported(i, False)
    try:
        await asyncio.wait_for(all_reported, _wait_limit())
    except TimeoutError:
        pass  # those not reported yet count as not acknowledged
    with lock:
        return list(acked)
