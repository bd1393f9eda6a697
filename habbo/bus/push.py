"""Pushes to channel-layer groups that happen only after the DB commit.

Consumers run synchronous Django code; one long-lived event loop thread per
process carries the channel layer, so its Redis connections are reused.

Inside a consumer's batch (`collected`), pushes are gathered per partition
of the events that made them (`from_partition`) and stored in the batch's
transaction as one PendingPush row per partition, sent after the commit
(while the next batch is applied), and the rows are deleted once sent (in
the next batch's transaction, or when the consumer idles, stops or hands its
partitions over). A consumer killed in between loses none: the next one given
a partition sends that partition's rows left (`send_left_over`); a live peer's
rows are of partitions it still holds, so a rebalance re-sends none of them.
So a push may arrive twice after a kill, never not at all. Elsewhere (views)
pushes are sent after the commit.

A consumer's follow-up events (`publish_on_commit`: a fact for other
consumers, such as item.purchased) and Redis publications (a room's frame)
travel the same way, stored with the
batch's pushes and published once it committed, so none is lost either; a
second publication carries the same event id and is applied once.
"""

import asyncio
import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, ClassVar

from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from pydantic import BaseModel, ConfigDict

from habbo.bus.events import Envelope
from habbo.bus.producer import apublish_envelope
from habbo.models import PendingPush
from habbo.redis import redis

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_batch = threading.local()
PUSH_TIMEOUT_S = 5


def _event_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="channel-layer-push", daemon=True).start()
        return _loop


def group_send(group: str, message: dict) -> None:
    """Send now, waiting for Redis; for code that runs outside a transaction."""
    group_send_all([(group, message)])


def group_send_all(pushes: list) -> None:
    """Send in order, in one trip to the push thread, waiting once."""
    asyncio.run_coroutine_threadsafe(_send_all(pushes), _event_loop()).result(PUSH_TIMEOUT_S)


# The targets of a stored follow-up event and of a stored Redis SPUBLISH (a
# room's frame, which web processes fan out); never channel-layer group names.
KAFKA = "kafka"
REDIS = "redis"


async def _send_all(pushes: list) -> None:
    """Players' pushes first (someone waits for them), then follow-up events."""
    await _group_send_all([(group, message) for group, message in pushes if group not in (KAFKA, REDIS)])
    if frames := [message for target, message in pushes if target == REDIS]:
        async with redis().pipeline(transaction=False) as pipe:
            for frame in frames:
                pipe.spublish(frame["channel"], frame["data"])
            await pipe.execute()
    events = [message for target, message in pushes if target == KAFKA]
    if events:
        await asyncio.gather(*(apublish_envelope(m["topic"], Envelope.model_validate(m["envelope"])) for m in events))


async def _group_send_all(pushes: list) -> None:
    """group_send for each push, but pipelined: channels-redis's pub/sub layer
    sends one PUBLISH and waits for its answer at a time, which was a third
    of the friends consumer's CPU. This publishes exactly what its group_send
    would (same channel name, same serializer, same shard) in one round trip
    per shard. Pinned to channels-redis 4.3 (requirements.txt); any other
    layer gets plain group_send."""
    layer = get_channel_layer()
    if not isinstance(layer, RedisPubSubChannelLayer):
        for group, message in pushes:
            await layer.group_send(group, message)
        return
    loop_layer = layer._get_layer()
    by_shard = defaultdict(list)
    for group, message in pushes:
        channel = loop_layer._get_group_channel_name(group)
        by_shard[loop_layer._get_shard(channel)].append((channel, layer.serialize(message)))
    for shard, messages in by_shard.items():
        async with shard._lock:
            shard._ensure_redis()
            async with shard._redis.pipeline(transaction=False) as pipe:
                for channel, payload in messages:
                    pipe.publish(channel, payload)
                await pipe.execute()


def push_on_commit(group: str, message: dict) -> None:
    """Send to a group once the current transaction has committed.

    A failed send is logged, not raised: the fact is already stored, and a
    client that missed the push sees it on its next page load.
    """
    pushes = getattr(_batch, "pushes", None)
    if pushes is not None:
        pushes.setdefault(_batch.source, []).append((group, message))
    else:
        transaction.on_commit(lambda: group_send(group, message), robust=True)


@contextmanager
def collected(consumer: str):
    """Gather the pushes made inside (a consumer's batch transaction) into one
    PendingPush row per partition, sent after the commit. The rows of batches
    sent before are deleted in this same transaction."""
    sent = _sent_rows(wait=False)
    _batch.pushes = pushes = {}
    try:
        yield
    finally:
        _batch.pushes = None
    if sent:
        _forget(sent)
        transaction.on_commit(lambda: _batch.sent.difference_update(sent))
    if pushes:
        rows = PendingPush.objects.bulk_create(
            PendingPush(consumer=consumer, topic=topic, partition=partition, pushes=made)
            for (topic, partition), made in pushes.items()
        )
        transaction.on_commit(lambda: _send_in_background(rows), robust=True)


@contextmanager
def from_partition(topic: str, partition: int):
    """The pushes made inside come from events of this topic-partition."""
    _batch.source = (topic, partition)
    try:
        yield
    finally:
        _batch.source = None


def _send_in_background(batch_rows: list[PendingPush]) -> None:
    """Send while the consumer applies its next batch; one batch in flight at
    most, so pushes keep their order and never pile up. Rows whose send
    failed go first, so a later push never overtakes them."""
    _sent_rows()
    rows, _batch.unsent = [*getattr(_batch, "unsent", []), *batch_rows], []
    future = asyncio.run_coroutine_threadsafe(_send_all([p for r in rows for p in r.pushes]), _event_loop())
    _batch.in_flight = (future, rows)


def _sent_rows(*, wait: bool = True) -> set[int]:
    """The ids of the rows whose pushes were sent, not yet deleted; waits for
    this thread's pushes in flight unless `wait` is false. Rows whose send
    failed stay stored and are tried again with the next batch's."""
    sent = _batch.__dict__.setdefault("sent", set())
    in_flight = getattr(_batch, "in_flight", None)
    if in_flight is not None and (wait or in_flight[0].done()):
        _batch.in_flight = None
        future, rows = in_flight
        try:
            future.result(PUSH_TIMEOUT_S)
            sent.update(r.pk for r in rows)
        except Exception:
            log.exception("pushes not sent; they stay stored and are tried again")
            _batch.unsent = rows
    return set(sent)


def give_up_unsent(partitions: set[tuple[str, int]]) -> None:
    """Rows whose send failed, of partitions handed over: their next reader
    sends them (send_left_over), so this thread must not send them again."""
    _batch.unsent = [row for row in getattr(_batch, "unsent", []) if (row.topic, row.partition) not in partitions]


def forget_sent() -> None:
    """Wait for the pushes in flight and delete the rows sent (idle,
    stopping, or handing partitions over)."""
    if sent := _sent_rows():
        try:
            _forget(sent)
        except DatabaseError:  # they are sent again later: a push may come twice, never not at all
            log.exception("could not delete the rows of pushes sent")
            return
        _batch.sent.difference_update(sent)


def send_left_over(consumer: str, partitions: list[tuple[str, int]]) -> int:
    """Send what `consumer` stored for these partitions but never sent (its
    instance was killed, or its send failed before it handed them over);
    returns how many rows."""
    of_partitions = Q()
    for topic, partition in partitions:
        of_partitions |= Q(topic=topic, partition=partition)
    rows = list(
        PendingPush.objects.filter(of_partitions, consumer=consumer, created_at__lt=timezone.now()).order_by("pk")
    )
    if rows:
        group_send_all([push for row in rows for push in row.pushes])
        _forget({row.pk for row in rows})
    return len(rows)


def _forget(row_ids: set[int]) -> None:
    PendingPush.objects.filter(pk__in=row_ids).delete()


def publish_on_commit(topic: str, envelope: Envelope) -> None:
    """Publish an event once the consumer's batch has committed (stored with
    its pushes, so a killed consumer's successor publishes it)."""
    push_on_commit(KAFKA, {"topic": topic, "envelope": envelope.model_dump(mode="json")})


def publish_on_redis_on_commit(channel: str, data: str) -> None:
    """SPUBLISH on a sharded Redis channel (a room's frames) once the
    transaction has committed (stored with the batch's pushes in a consumer)."""
    push_on_commit(REDIS, {"channel": channel, "data": data})


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class Notice(BaseModel):
    """A notice for one player's open pages, which the hotel socket
    (habbo.consumers) forwards as {"type": KIND, **fields} (docs/protocol.md).
    Each kind is declared once, as a subclass in its app's `pushes` module;
    declaring it registers it (NOTICE_KINDS, documented by habbo.docs_tables)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)

    KIND: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "KIND" not in cls.__dict__:
            return  # a shared base of several kinds
        if cls.KIND in NOTICE_KINDS:
            raise TypeError(f"notice kind {cls.KIND!r} is declared twice")
        NOTICE_KINDS[cls.KIND] = cls

    def layer_message(self) -> dict:
        """The channel-layer message that carries it to group user.<id>."""
        return {"type": "user.notify", "kind": self.KIND, "data": self.model_dump(mode="json", by_alias=True)}


NOTICE_KINDS: dict[str, type[Notice]] = {}


def notify_on_commit(user_id: int, notice: Notice) -> None:
    """Tell a player's open pages, once the current transaction has committed."""
    push_on_commit(user_group(user_id), notice.layer_message())


async def notify(user_ids: list[int], notice: Notice) -> None:
    """Tell these players' open pages now (for what is not stored: presence)."""
    layer, message = get_channel_layer(), notice.layer_message()
    for user_id in user_ids:
        await layer.group_send(user_group(user_id), message)
