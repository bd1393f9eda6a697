"""Events that must be published but whose moment cannot wait for Kafka.

A player leaving a room while Kafka is down still has to be counted out.
Such an event is parked in a Redis list first (by the same script that
changes the live state, for room.user_left: rooms.live), then published, and
only then taken off the list. A process killed at any point leaves the entry
parked, and any web process publishes it later (drain). An entry may so be
published twice, never not at all: the consumers' dedupe by event id makes a
repeat harmless.
"""

import asyncio
import json
import logging

from django.conf import settings

from habbo.bus.events import Envelope, Event
from habbo.bus.producer import EventBusUnavailable, apublish_envelope
from habbo.loops import per_loop
from habbo.redis import redis

log = logging.getLogger(__name__)


def outbox_key() -> str:
    """One outbox per topic prefix: hotels (or test runs) sharing a Redis
    never publish each other's events."""
    return f"live:outbox:{settings.KAFKA_TOPIC_PREFIX}"


def entry(event: Event, *, actor: int | None) -> str:
    """An outbox entry: the topic and the envelope to publish there."""
    envelope = event.envelope(actor=actor)
    return json.dumps({"topic": event.TOPIC.full_name, "envelope": envelope.model_dump(mode="json")})


async def park(event: Event, *, actor: int | None) -> str:
    """Park an event for drain() to publish."""
    parked = entry(event, actor=actor)
    await redis().rpush(outbox_key(), parked)
    return parked


async def publish_parked(parked: str) -> bool:
    """Publish one parked entry and take it off the list; False if Kafka did
    not take it (it stays parked)."""
    try:
        item = json.loads(parked)
        topic, envelope = item["topic"], Envelope.model_validate(item["envelope"])
    except (ValueError, KeyError, TypeError):
        log.error("dropping an unreadable outbox entry: %.200s", parked)
        await redis().lrem(outbox_key(), 1, parked)
        return True
    try:
        await apublish_envelope(topic, envelope)
    except EventBusUnavailable as exc:
        log.warning("%s %s stays parked: %s", envelope.type, envelope.id, exc)
        return False
    await redis().lrem(outbox_key(), 1, parked)
    return True


async def drain(limit: int = 50) -> int:
    """Publish parked events, oldest first; stop at the first failure."""
    sent = 0
    for parked in await redis().lrange(outbox_key(), 0, limit - 1):
        if not await publish_parked(parked):
            break
        sent += 1
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
