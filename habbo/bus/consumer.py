"""The one consumer loop every registered consumer runs.

- auto-commit off; messages are consumed in batches;
- each event is applied in one DB transaction that also records its id for
  this consumer, so a second delivery changes nothing;
- offsets are committed after the transactions, only up to what was handled;
- a message that cannot be decoded, validated or applied goes to
  `<topic>.dlq` with headers saying where it came from and why, and the loop
  goes on; too many in a row stop the loop with TooManyBadMessages;
- setting `stop` (SIGTERM/SIGINT) finishes the batch, commits and closes.
"""

import functools
import logging
import threading
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition
from django.conf import settings
from django.db import DataError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from habbo.bus.events import Envelope, Event, InvalidEvent, decode
from habbo.bus.producer import producer_config
from habbo.bus.registry import ConsumerSpec
from habbo.models import ProcessedEvent

log = logging.getLogger(__name__)

Handler = Callable[[Event, Envelope], None]


class TooManyBadMessages(Exception):
    """A long run of undecodable or invalid messages: something is wrong upstream."""


def consumer_config(spec: ConsumerSpec) -> dict:
    return {
        "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
        "group.id": settings.KAFKA_TOPIC_PREFIX + spec.group,
        "client.id": f"hotel-{spec.name}",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        # A killed consumer's partitions move to its successor within seconds.
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1500,
        "logger": logging.getLogger("habbo.bus.librdkafka"),
    }


_RECORD_FIELDS = [f for f in ProcessedEvent._meta.concrete_fields if not f.primary_key]


@functools.cache
def _record_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _RECORD_FIELDS)
    return (
        f"INSERT INTO {quote(ProcessedEvent._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(_RECORD_FIELDS))}) ON CONFLICT DO NOTHING RETURNING 1"
    )


def record_once(consumer: str, envelope: Envelope, msg: Message) -> bool:
    """Record that `consumer` applies this event; False if it already did.
    One INSERT … ON CONFLICT DO NOTHING: no read first, no race."""
    row = ProcessedEvent(
        consumer=consumer,
        event_id=envelope.id,
        event_type=envelope.type,
        topic=msg.topic(),
        partition=msg.partition(),
        offset=msg.offset(),
        processed_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), [f.get_db_prep_save(getattr(row, f.attname), connection) for f in _RECORD_FIELDS])
        return cursor.fetchone() is not None


class ConsumerLoop:
    def __init__(self, spec: ConsumerSpec, *, stop: threading.Event, batch_size: int = 200):
        self.spec = spec
        self.stop = stop
        self.batch_size = batch_size
        self.handlers: dict[str, Handler] = {t: import_string(path) for t, path in spec.handlers.items()}
        self.consecutive_bad = 0
        self.applied = 0
        self.dead_lettered = 0
        self._consumer: Consumer | None = None
        self._dlq: Producer | None = None
        self._dlq_errors: list[KafkaError] = []

    def run(self) -> None:
        self._consumer = Consumer(consumer_config(self.spec))
        self._consumer.subscribe([self.spec.topic.full_name])
        log.info("consumer %s reading %s as group %s", self.spec.name, self.spec.topic.full_name, self.spec.group)
        try:
            while not self.stop.is_set():
                self._run_batch(self._consumer.consume(num_messages=self.batch_size, timeout=0.5))
        finally:
            self._consumer.close()
            close_old_connections()
            log.info("consumer %s stopped: %d applied, %d dead-lettered", self.spec.name, self.applied, self.dead_lettered)

    def _run_batch(self, messages: list[Message]) -> None:
        handled: dict[tuple[str, int], int] = {}
        try:
            for msg in messages:
                if msg.error():
                    self._client_error(msg.error())
                    continue
                self._handle(msg)
                handled[(msg.topic(), msg.partition())] = msg.offset() + 1
                if self.consecutive_bad >= settings.KAFKA_MAX_CONSECUTIVE_BAD:
                    raise TooManyBadMessages(
                        f"consumer {self.spec.name}: {self.consecutive_bad} bad messages in a row "
                        f"on {msg.topic()}; stopping"
                    )
        finally:
            # Whatever happened, what was handled is committed: DLQ first, then offsets.
            if handled:
                self._flush_dead_letters()
                self._consumer.commit(
                    offsets=[TopicPartition(t, p, o) for (t, p), o in handled.items()], asynchronous=False
                )
            close_old_connections()

    def _client_error(self, err: KafkaError) -> None:
        if err.fatal():
            raise KafkaException(err)
        log.warning("consumer %s: %s", self.spec.name, err.str())

    def _handle(self, msg: Message) -> None:
        try:
            envelope, event = decode(msg.value())
            if (msg.key() or b"").decode(errors="replace") != envelope.key:
                # A wrong key puts the event on the wrong partition, out of order.
                raise InvalidEvent(f"message key {msg.key()!r} is not the envelope's key {envelope.key!r}")
            handler = self.handlers.get(envelope.type)
            if handler is not None:
                self._apply(msg, envelope, event, handler)
        except InvalidEvent as exc:
            self._dead_letter(msg, str(exc))
            return
        self.consecutive_bad = 0

    def _apply(self, msg: Message, envelope: Envelope, event: Event, handler: Handler) -> None:
        try:
            self._apply_once(msg, envelope, event, handler)
        except DataError as exc:  # the database refuses these values: it always will
            raise InvalidEvent(f"the database refused the event: {exc}") from exc

    def _apply_once(self, msg: Message, envelope: Envelope, event: Event, handler: Handler) -> None:
        with transaction.atomic():
            if record_once(self.spec.name, envelope, msg):
                handler(event, envelope)
                self.applied += 1

    def _dlq_report(self, err: KafkaError | None, _msg: Message) -> None:
        if err is not None:
            self._dlq_errors.append(err)

    def _flush_dead_letters(self) -> None:
        """Offsets move past a bad message only once the DLQ holds it."""
        if self._dlq is None:
            return
        if self._dlq.flush(30) or self._dlq_errors:
            errors = [e.str() for e in self._dlq_errors] or ["flush timed out"]
            self._dlq_errors.clear()
            raise KafkaException(KafkaError(KafkaError._MSG_TIMED_OUT, f"DLQ write failed: {errors[0]}"))

    def _dead_letter(self, msg: Message, error: str) -> None:
        log.warning(
            "consumer %s: %s[%d]@%d to DLQ: %s", self.spec.name, msg.topic(), msg.partition(), msg.offset(), error
        )
        if self._dlq is None:
            self._dlq = Producer(producer_config(f"hotel-{self.spec.name}-dlq"))
        headers = [
            ("source-topic", msg.topic().encode()),
            ("source-partition", str(msg.partition()).encode()),
            ("source-offset", str(msg.offset()).encode()),
            ("error", error.encode()),
            ("consumer", self.spec.name.encode()),
        ]
        self._dlq.produce(
            self.spec.topic.dlq_name, key=msg.key(), value=msg.value(), headers=headers, on_delivery=self._dlq_report
        )
        self._dlq.poll(0)
        self.dead_lettered += 1
        self.consecutive_bad += 1
