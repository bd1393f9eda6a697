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
(a sorted set: tag → when first listed, so drains take the oldest first)
lets any process find them. A tag is listed before an entry is parked in its
outbox, and again once the entry is left for the drain; a drain unlists an
outbox it finds empty, then lists it again if an entry came meanwhile.
"""

import asyncio
import json
import logging
import time

from django.conf import settings

from habbo.bus.events import Envelope, Event
from habbo.bus.producer import EventBusUnavailable, apublish_envelope
from habbo.loops import per_loop
from habbo.redis import redis

log = logging.getLogger(__name__)

DRAIN_OUTBOXES = 20  # outboxes one drain() looks at
# drain_soon() starts a drain at most this often per event loop: every room
# entry asks for one, and a drain costs a Redis round trip even when nothing
# is parked (bench/README.md, "Entering").
DRAIN_EVERY_S = 1.0


def outbox_key(tagged: str) -> str:
    """The outbox of the keys with hash tag `tagged`, per topic prefix:
    hotels (or test runs) sharing a Redis never publish each other's events."""
    return f"live:outbox:{settings.KAFKA_TOPIC_PREFIX}:{tagged}"


def _index_key() -> str:
    return f"live:outboxes:{settings.KAFKA_TOPIC_PREFIX}"


async def outbox_listed(tagged: str) -> None:
    """List the outbox in the index (if it is not yet): before parking an
    entry in it, and again when the entry is left for the drain."""
    await redis().zadd(_index_key(), {tagged: int(time.time() * 1000)}, nx=True)


def entry(event: Event, *, actor: int | None) -> str:
    """An outbox entry: the topic and the envelope to publish there."""
    envelope = event.envelope(actor=actor)
    return json.dumps({"topic": event.TOPIC.full_name, "envelope": envelope.model_dump(mode="json")})


async def park(event: Event, *, actor: int | None, tagged: str) -> str:
    """Park an event for drain() to publish, in the outbox of `tagged`."""
    parked = entry(event, actor=actor)
    await outbox_listed(tagged)
    await redis().rpush(outbox_key(tagged), parked)
    await outbox_listed(tagged)
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
        await outbox_listed(tagged)
        return False
    await redis().lrem(outbox_key(tagged), 1, parked)
    return True


async def drain(limit: int = 50) -> int:
    """Publish parked events, each outbox's oldest first; stop at the first failure."""
    sent = 0
    listed = await redis().zrange(_index_key(), 0, DRAIN_OUTBOXES - 1, withscores=True)
    for tagged, _ in listed:
        for parked in await redis().lrange(outbox_key(tagged), 0, limit - 1):
            if not await publish_parked(parked, tagged):
                return sent
            sent += 1
        if not await redis().llen(outbox_key(tagged)):
            await redis().zrem(_index_key(), tagged)
            if await redis().llen(outbox_key(tagged)):  # parked meanwhile
                await outbox_listed(tagged)
    return sent


class _Drainer:
    task: asyncio.Task | None = None
    started = float("-inf")  # the loop's time when the last drain started


_drainer = per_loop(_Drainer)


def drain_soon() -> None:
    """drain() in the background, one at a time per event loop and at most
    one start per DRAIN_EVERY_S (a call sooner starts it when that is up): a
    drain waiting for Kafka to answer must not hold up its caller (a room's
    heartbeat or entry)."""
    drainer = _drainer()
    if drainer.task is None or drainer.task.done():
        delay = drainer.started + DRAIN_EVERY_S - asyncio.get_running_loop().time()
        drainer.task = asyncio.create_task(_drain_after(drainer, delay), name="outbox-drain")


async def _drain_after(drainer: _Drainer, delay: float) -> None:
    if delay > 0:
        await asyncio.sleep(delay)
    drainer.started = asyncio.get_running_loop().time()
    await drain()
