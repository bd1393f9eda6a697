"""What the admin's Hotel status page shows (habbo.admin_status): each consumer
group as Kafka itself sees it, and the live hotel in Redis.

Per consumer group: the lag per partition (habbo.bus.lag, as `kafka_lag`),
the members (Kafka's description of the group), and the events applied per
second over the last minute, counted from the applied-event records that the
consumer loop writes for every consumer, batch handlers included, in the
transaction that applies them (a skipped or repeated event has none). Per
topic: its dead letters (habbo.bus.dlq). Live: players online, web processes
alive, and what the apps add with `@figures` (rooms in use: rooms.status);
each app registers in its `status` module, which habbo's AppConfig loads, so
this page names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from confluent_kafka import ConsumerGroupState, KafkaException
from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.utils import timezone

from habbo import presence, web_processes
from habbo.bus.dlq import DeadLetters
from habbo.bus.lag import TIMEOUT_S, PartitionLag, group_id, lag
from habbo.bus.registry import CONSUMERS, ConsumerSpec
from habbo.bus.topics import Topic
from habbo.health import check_kafka
from habbo.models import ProcessedEvent
from habbo.redis import REDIS_DOWN, sync_redis
from habbo.web_processes import WebProcess

RATE_WINDOW_S = 60

# Each returns {label: figure} of the live hotel, read from Redis.
FIGURES: list[Callable[[], dict[str, int]]] = []


def figures(read: Callable[[], dict[str, int]]) -> Callable[[], dict[str, int]]:
    """Register a reading of live figures for the page (an app's `status` module)."""
    FIGURES.append(read)
    return read


@dataclass(frozen=True)
class Member:
    client_id: str
    host: str
    partitions: list[int]


@dataclass
class GroupStatus:
    spec: ConsumerSpec
    group: str
    applied_last_minute: int
    partitions: list[PartitionLag] | None = None  # None: not read (Kafka unreachable, or the error)
    members: list[Member] | None = None
    state: str = ""
    error: str = ""

    @property
    def per_second(self) -> float:
        return self.applied_last_minute / RATE_WINDOW_S

    @property
    def total_lag(self) -> int | None:
        return None if self.partitions is None else sum(p.lag for p in self.partitions)


@dataclass(frozen=True)
class NewestDeadLetter:
    offset: int
    when: datetime | None
    consumer: str | None  # from the headers the consumer loop writes
    error: str | None


@dataclass
class TopicStatus:
    topic: Topic
    groups: list[GroupStatus]
    dead_letters: int | None = None
    newest_dead_letter: NewestDeadLetter | None = None
    dlq_error: str = ""


@dataclass
class HotelStatus:
    at: datetime
    topics: list[TopicStatus]
    kafka_error: str = ""
    live: dict[str, int] = field(default_factory=dict)
    web_processes: list[WebProcess] = field(default_factory=list)
    redis_error: str = ""


def _why(exc: Exception) -> str:
    if isinstance(exc, KafkaException) and exc.args and hasattr(exc.args[0], "str"):
        return exc.args[0].str()
    return str(exc) or type(exc).__name__


def applied_last_minute(consumer: str, now: datetime) -> int:
    # One count per consumer: each an index range (consumer, processed_at).
    since = now - timedelta(seconds=RATE_WINDOW_S)
    return ProcessedEvent.objects.filter(consumer=consumer, processed_at__gt=since).count()


def _describe(groups: list[GroupStatus]) -> None:
    """Each group's state and members, from one AdminClient request for them all."""
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "log_level": 0})
    futures = admin.describe_consumer_groups([g.group for g in groups], request_timeout=TIMEOUT_S)
    for group in groups:
        try:
            described = futures[group.group].result(TIMEOUT_S)
        except KafkaException as exc:
            group.error = group.error or _why(exc)
            continue
        # Kafka calls a group it holds nothing of (no member, no offset) dead.
        dead = described.state == ConsumerGroupState.DEAD
        group.state = "unknown to Kafka" if dead else described.state.name.lower().replace("_", " ")
        group.members = [
            Member(m.client_id, m.host, sorted(tp.partition for tp in m.assignment.topic_partitions))
            for m in described.members
        ]


def _dead_letters(topic: TopicStatus) -> None:
    try:
        with DeadLetters(topic.topic) as dlq:
            low, high = dlq.bounds()
            topic.dead_letters = high - low
            if high > low:
                newest = dlq.one(high - 1)
                topic.newest_dead_letter = NewestDeadLetter(
                    newest.offset, newest.when, newest.header("consumer"), newest.header("error")
                )
    except KafkaException as exc:
        topic.dlq_error = _why(exc)


def _read_kafka(topics: list[TopicStatus]) -> None:
    groups = [group for topic in topics for group in topic.groups]
    for group in groups:
        try:
            group.partitions = lag(group.spec)
        except KafkaException as exc:
            group.error = _why(exc)
    try:
        _describe(groups)
    except KafkaException as exc:
        for group in groups:
            group.error = group.error or _why(exc)
    for topic in topics:
        _dead_letters(topic)


def _read_redis(status: HotelStatus) -> None:
    try:
        client = sync_redis()  # a cluster client connects as it is made
        status.live["Players online"] = presence.players_online(client)
        for read in FIGURES:
            status.live |= read()
        status.web_processes = web_processes.alive(client)
    except REDIS_DOWN as exc:
        status.redis_error = str(exc)


def hotel_status() -> HotelStatus:
    now = timezone.now()
    by_topic: dict[str, TopicStatus] = {}
    for spec in CONSUMERS.values():
        topic = by_topic.setdefault(spec.topic.name, TopicStatus(spec.topic, []))
        topic.groups.append(GroupStatus(spec, group_id(spec), applied_last_minute(spec.name, now)))
    status = HotelStatus(now, list(by_topic.values()))
    try:
        check_kafka()  # a short probe first: an unreachable Kafka costs 2 s, not a timeout per group
    except ConnectionError as exc:
        status.kafka_error = str(exc)
    else:
        _read_kafka(status.topics)
    _read_redis(status)
    return status
