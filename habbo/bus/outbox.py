"""Events that must be published but whose moment cannot wait for Kafka.

A player leaving a room while Kafka is down still has to be counted out.
Such an event is parked in a Redis list first (by the same script that
changes the live state, for room.user_left: rooms.live), then published, and
only then taken off the list. A process killed at any point leaves the entry
parked, and any web process publishes it later (drain). An entry may so be
published twice, never not at all: the consumers' dedupe by event id makes a
repeat harmless.

There is an outbox per hash tag (a room's), so the script that parks an
entry touches keys of one slot on a Redis Cluster. An index of the outboxes
(a sorted set: tag → when last listed) lets any process find them; a tag is
listed before its first entry is parked, and unlisted only when its outbox
is empty and was not listed again for UNLIST_AFTER_S.
"""

import asyncio
import json
import logging
import time

from django.conf import settings

from habbo.bus.events import Envelope, Event
from habbo.bus.producer import EventBusUnavailable, apublish_envelope
from habbo.loops import per_loop
from habbo.redis import redis, run_script

log = logging.getLogger(__name__)

UNLIST_AFTER_S = 60
DRAIN_OUTBOXES = 20  # outboxes one drain() looks at


def outbox_key(tagged: str) -> str:
    """The outbox of the keys with hash tag `tagged`, per topic prefix:
    hotels (or test runs) sharing a Redis never publish each other's events."""
    return f"live:outbox:{settings.KAFKA_TOPIC_PREFIX}:{tagged}"


def _index_key() -> str:
    return f"live:outboxes:{settings.KAFKA_TOPIC_PREFIX}"


async def outbox_listed(tagged: str) -> None:
    """List the outbox in the index: call before parking an entry in it."""
    await redis().zadd(_index_key(), {tagged: int(time.time() * 1000)})


# Unlist ARGV[1] if it was last listed at ARGV[2] (no entry parked since).
_UNLIST = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('ZREM', KEYS[1], ARGV[1]) end
"""


def entry(event: Event, *, actor: int | None) -> str:
    """An outbox entry: the topic and the envelope to publish there."""
    envelope = event.envelope(actor=actor)
    return json.dumps({"topic": event.TOPIC.full_name, "envelope": envelope.model_dump(mode="json")})


async def park(event: Event, *, actor: int | None, tagged: str) -> str:
    """Park an event for drain() to publish, in the outbox of `tagged`."""
    parked = entry(event, actor=actor)
    await outbox_listed(tagged)
    await redis().rpush(outbox_key(tagged), parked)
    return parked


async def publish_parked(parked: str, tagged: str) -> bool:
    """Publish one parked entry and take it off the list; False if Kafka did
    not take it (it stays parked)."""
    try:
        item = json.loads(parked)
        topic, envelope = item["topic"], Envelope.model_validate(item["envelope"])
    except (ValueError, KeyError, TypeError):
        log.error("dropping an unreadable outbox entry: %.200s", parked)
        await redis().lrem(outbox_key(tagged), 1, parked)
        return True
    try:
        await apublish_envelope(topic, envelope)
    except EventBusUnavailable as exc:
        log.warning("%s %s stays parked: %s", envelope.type, envelope.id, exc)
        return False
    await redis().lrem(outbox_key(tagged), 1, parked)
    return True


async def drain(limit: int = 50) -> int:
    """Publish parked events, each outbox's oldest first; stop at the first failure."""
    sent = 0
    listed = await redis().zrange(_index_key(), 0, DRAIN_OUTBOXES - 1, withscores=True)
    for tagged, listed_at in listed:
        for parked in await redis().lrange(outbox_key(tagged), 0, limit - 1):
            if not await publish_parked(parked, tagged):
                return sent
            sent += 1
        if time.time() * 1000 - listed_at > UNLIST_AFTER_S * 1000 and not await redis().llen(outbox_key(tagged)):
            await run_script(_UNLIST, [_index_key()], [tagged, int(listed_at)])
    return sent


class _Drainer:
    task: asyncio.Task | None = None


_drainer = per_loop(_Drainer)


def drain_soon() -> None:
    """drain() in the background, one at a time per event loop: a drain
    waiting for Kafka to answer must not hold up its caller (a room's heartbeat)."""
    drainer = _drainer()
    if drainer.task is None or drainer.task.done():
        drainer.task = asyncio.create_task(drain(), name="outbox-drain")
