"""Reading a topic's dead letters and sending them back to it (`manage.py kafka_dlq`).

`kafka_topics` gives every DLQ one partition, so an offset names one dead
letter. Reading assigns that partition directly: no group is joined, so no
consumer's position moves, and nothing is committed.

Redriving publishes a dead letter's key and value unchanged (the same
envelope, so the same event id: a consumer that applied the event already
skips it) to the DLQ's topic, with a `redriven-from` header. How far
`--all` went is the committed offset of the group `dlq-redrive` (with
KAFKA_TOPIC_PREFIX) on the DLQ, committed only after Kafka acknowledged what
was sent: the next `--all` starts there. Dying in between only sends those
again, which the event ids make harmless.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from django.conf import settings
from pydantic import ValidationError

from habbo.bus.events import Envelope
from habbo.bus.producer import producer_config
from habbo.bus.topics import Topic

DLQ_PARTITION = 0
REDRIVE_GROUP = "dlq-redrive"
REDRIVEN_HEADER = "redriven-from"
TIMEOUT_S = 10


class NoSuchDeadLetter(Exception):
    """The DLQ holds no dead letter at that offset (any more)."""


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, str]]
    when: datetime | None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    @property
    def envelope(self) -> Envelope | None:
        """The envelope, if the value is one (its payload may still be what was refused)."""
        try:
            return Envelope.model_validate_json(self.value or b"")
        except ValidationError:
            return None

    def pretty_value(self) -> str:
        if self.value is None:
            return "(no value)"
        try:
            return json.dumps(json.loads(self.value), indent=2, ensure_ascii=False)
        except ValueError:  # not JSON (or not UTF-8): as text
            return self.value.decode(errors="replace")


@dataclass(frozen=True)
class Redriven:
    letter: DeadLetter
    topic: str
    partition: int
    offset: int


class DeadLetters:
    """One topic's DLQ, read without joining a group; `with` closes the client."""

    def __init__(self, topic: Topic):
        self.topic = topic
        self.dlq = topic.dlq_name
        self._tp = TopicPartition(self.dlq, DLQ_PARTITION)
        # log_level 0: a broker that cannot be reached is raised, not printed.
        self._consumer = Consumer(
            {
                "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                "group.id": settings.KAFKA_TOPIC_PREFIX + REDRIVE_GROUP,
                "enable.auto.commit": False,
                "log_level": 0,
            }
        )

    def __enter__(self) -> "DeadLetters":
        metadata = self._consumer.list_topics(self.dlq, timeout=TIMEOUT_S).topics[self.dlq]
        if metadata.error is not None:
            self.close()
            raise KafkaException(metadata.error)
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self._consumer.close()

    def bounds(self) -> tuple[int, int]:
        """The first offset still kept and the end (the next offset to be written)."""
        return self._consumer.get_watermark_offsets(self._tp, timeout=TIMEOUT_S)

    def redriven_up_to(self) -> int:
        """Where the next `redrive --all` starts: every dead letter before it was sent."""
        [tp] = self._consumer.committed([self._tp], timeout=TIMEOUT_S)
        return max(tp.offset, self.bounds()[0])

    def read(self, start: int | None = None) -> list[DeadLetter]:
        """Every dead letter from `start` (default: the first kept) to the end now."""
        low, high = self.bounds()
        start = max(low, start or 0)
        if start >= high:
            return []
        self._consumer.assign([TopicPartition(self.dlq, DLQ_PARTITION, start)])
        letters: list[DeadLetter] = []
        try:
            while not letters or letters[-1].offset < high - 1:
                msg = self._consumer.poll(TIMEOUT_S)
                if msg is None:
                    raise KafkaException(KafkaError(KafkaError._TIMED_OUT, f"{self.dlq}: no message in {TIMEOUT_S}s"))
                if msg.error():
                    raise KafkaException(msg.error())
                letters.append(_letter(msg))
        finally:
            self._consumer.unassign()
        return letters

    def one(self, offset: int) -> DeadLetter:
        letters = [letter for letter in self.read(offset) if letter.offset == offset]
        if not letters:
            raise self._no_such(offset)
        return letters[0]

    def _no_such(self, offset: int) -> NoSuchDeadLetter:
        low, high = self.bounds()
        held = f"it holds {low}..{high - 1}" if high > low else "it is empty"
        return NoSuchDeadLetter(f"{self.dlq} has no dead letter at offset {offset} ({held})")

    def redrive(self, offsets: list[int], *, all_after_mark: bool) -> list[Redriven]:
        """Send the dead letters at `offsets` and, with `all_after_mark`, every
        one from the mark on (then move the mark to the end); each once, in DLQ order."""
        letters = self.read(min(offsets, default=None) if not all_after_mark else None)
        by_offset = {letter.offset: letter for letter in letters}
        if missing := [n for n in offsets if n not in by_offset]:
            raise self._no_such(missing[0])
        mark = self.redriven_up_to() if all_after_mark else None
        chosen = sorted(set(offsets) | ({n for n in by_offset if n >= mark} if mark is not None else set()))
        sent = _send(self.topic.full_name, self.dlq, [by_offset[n] for n in chosen])
        if all_after_mark and letters:
            self._consumer.commit(
                offsets=[TopicPartition(self.dlq, DLQ_PARTITION, letters[-1].offset + 1)], asynchronous=False
            )
        return sent


def _letter(msg) -> DeadLetter:
    kind, millis = msg.timestamp()
    return DeadLetter(
        offset=msg.offset(),
        key=msg.key(),
        value=msg.value(),
        headers=[(key, (value or b"").decode(errors="replace")) for key, value in msg.headers() or []],
        when=datetime.fromtimestamp(millis / 1000, UTC) if millis > 0 else None,
    )


def _send(topic: str, dlq: str, letters: list[DeadLetter]) -> list[Redriven]:
    """To the DLQ's own topic (the `source-topic` every letter there names),
    by key, so it lands on its key's partition as any event does."""
    if not letters:
        return []
    producer = Producer(producer_config("hotel-dlq-redrive"))
    sent: list[Redriven] = []
    errors: list[KafkaError] = []

    def delivered(letter: DeadLetter):
        def report(err, msg):
            if err is not None:
                errors.append(err)
            else:
                sent.append(Redriven(letter, msg.topic(), msg.partition(), msg.offset()))

        return report

    for letter in letters:
        headers = [(REDRIVEN_HEADER, f"{dlq}@{letter.offset}".encode())]
        if envelope := letter.envelope:
            headers.append(("event-type", envelope.type.encode()))  # as the producer sets it
        producer.produce(topic, key=letter.key, value=letter.value, headers=headers, on_delivery=delivered(letter))
    if producer.flush(settings.KAFKA_PUBLISH_TIMEOUT_MS / 1000 + 2) or errors:
        why = errors[0].str() if errors else "Kafka did not answer in time"
        raise KafkaException(KafkaError(KafkaError._MSG_TIMED_OUT, f"redrive not acknowledged: {why}"))
    return sorted(sent, key=lambda r: r.letter.offset)
