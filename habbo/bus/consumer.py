"""The one consumer loop every registered consumer runs.

- auto-commit off; messages are consumed in batches, and a batch never
  waits to fill up;
- a batch is applied in one DB transaction that also records each event's id
  for this consumer, so a second delivery changes nothing; if one event of it
  is refused, the batch is applied again one event per transaction; one that
  PostgreSQL chose to break a deadlock with (two consumers locking the same
  rows in another order, say the furniture and room-stats consumers a room's
  row) is applied again;
- offsets are committed after the transaction, only up to what was handled,
  without waiting for Kafka's answer (the next batch starts at once); a
  commit lost with a killed consumer only means events read twice, which the
  recorded ids make harmless; stopping commits and waits;
- a message that cannot be decoded, validated or applied goes to
  `<topic>.dlq` with headers saying where it came from and why, and the loop
  goes on; too many in a row stop the loop with TooManyBadMessages;
- setting `stop` (SIGTERM/SIGINT) finishes the batch, commits and closes.
"""

import functools
import logging
import threading
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition
from django.conf import settings
from django.db import DataError, IntegrityError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from tenacity import before_sleep_log, retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from habbo import metrics
from habbo.bus import push
from habbo.bus.events import Envelope, Event, InvalidEvent, decode
from habbo.bus.producer import producer_config
from habbo.bus.registry import ConsumerSpec
from habbo.models import ProcessedEvent

log = logging.getLogger(__name__)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction
# was rolled back and the same work done again succeeds.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def _rolled_back_to_retry(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


class TooManyBadMessages(Exception):
    """A long run of undecodable or invalid messages: something is wrong upstream."""


def consumer_config(spec: ConsumerSpec) -> dict:
    return {
        "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
        "group.id": settings.KAFKA_TOPIC_PREFIX + spec.group,
        "client.id": f"hotel-{spec.name}",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        # Incremental rebalancing: a member joining or leaving moves only the
        # partitions that change owner; the others go on being read.
        "partition.assignment.strategy": "cooperative-sticky",
        # A killed consumer's partitions move to its successor within seconds.
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1500,
        "logger": logging.getLogger("habbo.bus.librdkafka"),
    }


_RECORD_FIELDS = [f for f in ProcessedEvent._meta.concrete_fields if not f.primary_key]
_EVENT_ID = ProcessedEvent._meta.get_field("event_id")


@functools.cache
def _record_sql(rows: int) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _RECORD_FIELDS)
    row = f"({', '.join(['%s'] * len(_RECORD_FIELDS))})"
    return (
        f"INSERT INTO {quote(ProcessedEvent._meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT DO NOTHING RETURNING {quote(_EVENT_ID.column)}"
    )


@dataclass(frozen=True)
class Item:
    msg: Message
    envelope: Envelope
    event: Event


def record_new(consumer: str, items: list[Item]) -> list[Item]:
    """Record that `consumer` applies these events; returns those it had not
    applied before, in order. One INSERT … ON CONFLICT DO NOTHING: no read
    first, no race."""
    seen: set = set()
    first = [item for item in items if not (item.envelope.id in seen or seen.add(item.envelope.id))]
    now = timezone.now()
    params, keys = [], []
    for item in first:
        row = ProcessedEvent(
            consumer=consumer,
            event_id=item.envelope.id,
            event_type=item.envelope.type,
            topic=item.msg.topic(),
            partition=item.msg.partition(),
            offset=item.msg.offset(),
            processed_at=now,
        )
        params += [f.get_db_prep_save(getattr(row, f.attname), connection) for f in _RECORD_FIELDS]
        keys.append(_EVENT_ID.get_db_prep_save(item.envelope.id, connection))
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(len(first)), params)
        inserted = {row[0] for row in cursor.fetchall()}
    return [item for item, key in zip(first, keys) if key in inserted]


class ConsumerLoop:
    def __init__(self, spec: ConsumerSpec, *, stop: threading.Event, batch_size: int = 500):
        self.spec = spec
        self.stop = stop
        self.batch_size = batch_size
        self.apply_items = spec.resolve()
        self.consecutive_bad = 0
        self.applied = 0
        self.dead_lettered = 0
        self._consumer: Consumer | None = None
        self._dlq: Producer | None = None
        self._dlq_errors: list[KafkaError] = []
        self._handled: dict[tuple[str, int], int] = {}
        self._commit_again = False
        self._left_over: set[tuple[str, int]] = set()  # partitions whose left-over pushes could not be sent

    def run(self) -> None:
        self._consumer = Consumer(consumer_config(self.spec) | {"on_commit": self._committed})
        self._consumer.subscribe(
            [self.spec.topic.full_name], on_assign=self._assigned, on_revoke=self._revoked
        )
        log.info("consumer %s reading %s as group %s", self.spec.name, self.spec.topic.full_name, self.spec.group)
        try:
            while not self.stop.is_set():
                if batch := self._next_batch():
                    self._run_batch(batch)
                else:  # idle: tidy up the rows of pushes sent; do again what failed before
                    push.forget_sent()
                    if self._commit_again:
                        self._commit_again = False
                        self._commit(dict(self._handled), wait=False)
                    if self._left_over:
                        self._send_left_over(list(self._left_over))
        finally:
            push.forget_sent()
            self._commit_and_wait(list(self._handled))
            self._consumer.close()
            close_old_connections()
            log.info("consumer %s stopped: %d applied, %d dead-lettered", self.spec.name, self.applied, self.dead_lettered)

    def _assigned(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # A predecessor killed between its commit and its pushes left them stored.
        if partitions:
            self._send_left_over([(tp.topic, tp.partition) for tp in partitions])

    def _send_left_over(self, partitions: list[tuple[str, int]]) -> None:
        """Of partitions this consumer holds (revoking one forgets it here)."""
        try:
            if left := push.send_left_over(self.spec.name, partitions):
                log.warning("consumer %s: sent %d batches of pushes left unsent", self.spec.name, left)
            self._left_over.difference_update(partitions)
        except Exception:  # they stay stored; tried again when the consumer idles
            log.exception("consumer %s: could not send the pushes left over", self.spec.name)
            self._left_over.update(partitions)

    def _revoked(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        push.forget_sent()
        push.give_up_unsent({(tp.topic, tp.partition) for tp in partitions})
        self._left_over.difference_update((tp.topic, tp.partition) for tp in partitions)
        # The next owner starts exactly where this one stopped.
        self._commit_and_wait([(tp.topic, tp.partition) for tp in partitions])

    def _commit_and_wait(self, partitions: list[tuple[str, int]]) -> None:
        offsets = {key: self._handled.pop(key) for key in partitions if key in self._handled}
        try:
            self._commit(offsets, wait=True)
        except KafkaException as exc:  # read again by the next owner, and changing nothing then
            log.warning("consumer %s: could not commit on the way out: %s", self.spec.name, exc)

    def _next_batch(self) -> list[Message]:
        """Wait for one message, then take whatever else is already fetched:
        a batch never waits to fill up, so a lone event is applied at once."""
        first = self._consumer.poll(0.5)
        if first is None:
            return []
        return [first, *self._consumer.consume(num_messages=self.batch_size - 1, timeout=0)]

    def _run_batch(self, messages: list[Message]) -> None:
        items: list[Item] = []
        handled: dict[tuple[str, int], int] = {}
        too_many = None
        for msg in messages:
            if msg.error():
                self._client_error(msg.error())
                continue
            item = self._decode(msg)
            if item is not None and item.envelope.type in self.spec.event_types:
                items.append(item)
            handled[(msg.topic(), msg.partition())] = msg.offset() + 1
            if self.consecutive_bad >= settings.KAFKA_MAX_CONSECUTIVE_BAD:
                too_many = TooManyBadMessages(
                    f"consumer {self.spec.name}: {self.consecutive_bad} bad messages in a row on {msg.topic()}; stopping"
                )
                break
        try:
            self._apply(items)
        except BaseException:
            # Nothing of the batch from its first event on is committed: it is read again.
            for item in reversed(items):
                handled[(item.msg.topic(), item.msg.partition())] = item.msg.offset()
            raise
        finally:
            # DLQ first, then offsets, so offsets pass a bad message only once the DLQ holds it.
            if handled:
                self._flush_dead_letters()
                self._commit(handled, wait=False)
            close_old_connections()
        if too_many:
            raise too_many

    def _commit(self, offsets: dict[tuple[str, int], int], *, wait: bool) -> None:
        # Only partitions still assigned: a batch fetched just before a rebalance
        # took one away must not move its new owner's offset back.
        assigned = {(tp.topic, tp.partition) for tp in self._consumer.assignment()}
        offsets = {key: offset for key, offset in offsets.items() if key in assigned}
        if not offsets:
            return
        if not wait:
            self._handled |= offsets
        self._consumer.commit(
            offsets=[TopicPartition(t, p, o) for (t, p), o in offsets.items()], asynchronous=not wait
        )

    def _committed(self, err: KafkaError | None, _partitions) -> None:
        if err is not None:
            # A commit during a rebalance can be refused; without another event
            # on its partition nothing would commit it again (until then its
            # events are read again after a restart, and change nothing).
            log.warning("consumer %s: offset commit failed: %s", self.spec.name, err.str())
            self._commit_again = True

    def _client_error(self, err: KafkaError) -> None:
        if err.fatal():
            raise KafkaException(err)
        log.warning("consumer %s: %s", self.spec.name, err.str())

    def _decode(self, msg: Message) -> Item | None:
        try:
            envelope, event = decode(msg.value())
            if (msg.key() or b"").decode(errors="replace") != envelope.key:
                # A wrong key puts the event on the wrong partition, out of order.
                raise InvalidEvent(f"message key {msg.key()!r} is not the envelope's key {envelope.key!r}")
        except InvalidEvent as exc:
            self._dead_letter(msg, str(exc))
            return None
        self.consecutive_bad = 0
        return Item(msg, envelope, event)

    def _apply(self, items: list[Item]) -> None:
        """The whole batch in one transaction; if one event in it is refused,
        the batch is rolled back and applied again one event per transaction,
        so only the refused one goes to the DLQ."""
        if len(items) > 1 and not self.spec.one_transaction_per_event:
            try:
                self._apply_in_one_transaction(items)
                return
            except (InvalidEvent, DataError, IntegrityError) as exc:
                log.info("consumer %s: batch of %d refused (%s); one at a time", self.spec.name, len(items), exc)
        for item in items:
            try:
                self._apply_in_one_transaction([item])
            except InvalidEvent as exc:
                self._dead_letter(item.msg, str(exc))
            except DataError as exc:  # the database refuses these values: it always will
                self._dead_letter(item.msg, f"the database refused the event: {exc}")

    @retry(
        retry=retry_if_exception(_rolled_back_to_retry), stop=stop_after_attempt(5),
        wait=wait_random_exponential(multiplier=0.05, max=1), before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )
    def _apply_in_one_transaction(self, items: list[Item]) -> None:
        with transaction.atomic(), push.collected(self.spec.name):
            fresh = record_new(self.spec.name, items)
            # Partition by partition (each in its order), so each push is
            # stored with the partition of the event that made it.
            by_partition: dict[tuple[str, int], list[Item]] = {}
            for item in fresh:
                by_partition.setdefault((item.msg.topic(), item.msg.partition()), []).append(item)
            for (topic, partition), group in by_partition.items():
                with push.from_partition(topic, partition):
                    self.apply_items([(item.event, item.envelope) for item in group])
        self.applied += len(fresh)
        metrics.EVENTS_APPLIED.labels(self.spec.name).inc(len(fresh))

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
