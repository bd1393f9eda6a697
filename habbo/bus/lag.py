"""How far each consumer group is behind its topic, asked of Kafka itself."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException, TopicPartition
from django.conf import settings

from habbo.bus.registry import ConsumerSpec

TIMEOUT_S = 10


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed on this partition
    end: int
    lag: int


def group_id(spec: ConsumerSpec) -> str:
    """The group id the consumer loop joins as (habbo.bus.consumer.consumer_config)."""
    return settings.KAFKA_TOPIC_PREFIX + spec.group


@dataclass(frozen=True)
class GroupPartition:
    partition: int
    committed: int | None  # None: the group never committed on this partition
    low: int  # the earliest offset Kafka still holds
    end: int


@contextmanager
def group_reader(spec: ConsumerSpec) -> Iterator[Consumer]:
    """A consumer in the spec's group that never subscribes, so it reads the
    group's offsets without joining it; log_level 0: a broker that cannot be
    reached is raised, not printed."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
            "group.id": group_id(spec),
            "enable.auto.commit": False,
            "log_level": 0,
        }
    )
    try:
        yield consumer
    finally:
        consumer.close()


def group_partitions(consumer: Consumer, topic: str) -> list[GroupPartition]:
    """Each partition of the topic: the group's committed offset and Kafka's watermarks."""
    metadata = consumer.list_topics(topic, timeout=TIMEOUT_S).topics[topic]
    if metadata.error is not None:
        raise KafkaException(metadata.error)
    partitions = sorted(metadata.partitions)
    committed = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=TIMEOUT_S)
    rows = []
    for tp in committed:
        low, end = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=TIMEOUT_S)
        rows.append(GroupPartition(tp.partition, tp.offset if tp.offset >= 0 else None, low, end))
    return rows


def lag(spec: ConsumerSpec) -> list[PartitionLag]:
    """The group's lag on each partition of its topic. A group that never
    committed has the whole topic ahead of it, from the low watermark."""
    group, topic = group_id(spec), spec.topic.full_name
    with group_reader(spec) as consumer:
        return [
            PartitionLag(group, topic, p.partition, p.committed, p.end,
                         p.end - (p.low if p.committed is None else p.committed))
            for p in group_partitions(consumer, topic)
        ]
