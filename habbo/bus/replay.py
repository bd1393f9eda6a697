"""Replaying a consumer: move its group's offsets back, to the start of its
topic or to a time, and, to rebuild a read model, empty it first.

Kafka only lets offsets move while the group has no members, so a running
consumer is refused rather than raced. Without --rebuild, events the
consumer already applied are skipped again (their ids are recorded); only
those it never applied (dead-lettered, say, and since fixed) take effect.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from confluent_kafka import ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from habbo.bus.lag import TIMEOUT_S, GroupPartition, group_id, group_partitions, group_reader
from habbo.bus.registry import ConsumerSpec
from habbo.models import ProcessedEvent

EARLIEST = "earliest"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ReplayRefused(Exception):
    """The replay did not happen; the message says why."""


@dataclass(frozen=True)
class PartitionReset(GroupPartition):
    offset: int  # where the group reads next after the reset


@dataclass(frozen=True)
class Replayed:
    resets: list[PartitionReset]
    forgotten: int | None  # with --rebuild: how many applied event ids were forgotten


def parse_start(value: str) -> datetime | None:
    """`earliest` (None) or an ISO 8601 time; one without an offset is in TIME_ZONE."""
    if value == EARLIEST:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ReplayRefused(f"--from takes {EARLIEST!r} or an ISO 8601 time, not {value!r}") from None
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def _admin() -> AdminClient:
    return AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "log_level": 0})


def live_members(spec: ConsumerSpec) -> int:
    admin = _admin()  # kept while waiting: the future is answered through it
    (future,) = admin.describe_consumer_groups([group_id(spec)], request_timeout=TIMEOUT_S).values()
    return len(future.result(TIMEOUT_S).members)


def plan(spec: ConsumerSpec, start: datetime | None) -> list[PartitionReset]:
    """Each partition's offset for `start`: the earliest one Kafka holds, or the
    first event at or after the time (the end where there is none)."""
    topic = spec.topic.full_name
    with group_reader(spec) as consumer:
        partitions = group_partitions(consumer, topic)
        found = [None] * len(partitions)
        if start is not None:
            # Kafka's timestamps are milliseconds: the first one not before `start`.
            at = -(-((start - EPOCH) // timedelta(microseconds=1)) // 1000)
            asked = [TopicPartition(topic, p.partition, at) for p in partitions]
            found = consumer.offsets_for_times(asked, timeout=TIMEOUT_S)
        return [
            PartitionReset(p.partition, p.committed, p.low, p.end,
                           p.low if first is None else (first.offset if first.offset >= 0 else p.end))
            for p, first in zip(partitions, found)
        ]


def empty_projection(spec: ConsumerSpec) -> int:
    """Empty the read model and forget which events built it, in one
    transaction (or replayed events would be skipped as applied); returns
    how many recorded event ids were forgotten."""
    with transaction.atomic():
        spec.rebuild()
        forgotten, _ = ProcessedEvent.objects.filter(consumer=spec.name).delete()
    return forgotten


def reset_offsets(spec: ConsumerSpec, resets: list[PartitionReset]) -> None:
    topic = spec.topic.full_name
    request = ConsumerGroupTopicPartitions(group_id(spec), [TopicPartition(topic, r.partition, r.offset) for r in resets])
    admin = _admin()
    (future,) = admin.alter_consumer_group_offsets([request], request_timeout=TIMEOUT_S).values()
    for tp in future.result(TIMEOUT_S).topic_partitions:
        if tp.error is not None:
            raise KafkaException(tp.error)


def replay(spec: ConsumerSpec, start: datetime | None, *, rebuild: bool) -> Replayed:
    """Check, optionally empty the projection, then move the offsets."""
    if rebuild and spec.rebuild is None:
        raise ReplayRefused(f"consumer {spec.name} does not only build a read model: it cannot be rebuilt")
    if rebuild and start is not None:
        raise ReplayRefused("--rebuild empties the whole projection: replay it --from earliest")
    if members := live_members(spec):
        raise ReplayRefused(f"stop the consumer first: {members} members in group {group_id(spec)}")
    resets = plan(spec, start)
    if rebuild:
        if cut := [r.partition for r in resets if r.low > 0]:
            # Retention (or a deletion) dropped the topic's first events: a
            # rebuild would lose what they built, for good.
            raise ReplayRefused(
                f"{spec.topic.full_name} no longer holds its first events (partitions {cut}): "
                "a rebuild would lose what they built"
            )
    forgotten = empty_projection(spec) if rebuild else None
    try:
        reset_offsets(spec, resets)
    except KafkaException as exc:
        if forgotten is None:
            raise
        raise ReplayRefused(
            f"the projection is empty but the offsets did not move ({exc.args[0].str()}): run the command again"
        ) from exc
    return Replayed(resets, forgotten)
