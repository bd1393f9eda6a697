"""Events that must be published but whose moment cannot wait for Kafka.

A player leaving a room while Kafka is down still has to be counted out.
Such an event is parked in a Redis list with its id, and any web process
retries it later (drain); the consumers' dedupe makes a repeat harmless.
"""

import json
import logging

from habbo.bus.events import Envelope, Event
from habbo.bus.producer import EventBusUnavailable, apublish_envelope
from habbo.redis import redis

log = logging.getLogger(__name__)
OUTBOX = "live:outbox"


async def publish_or_park(event: Event, *, actor: int | None) -> None:
    envelope = event.envelope(actor=actor)
    try:
        await apublish_envelope(event.TOPIC.full_name, envelope)
    except EventBusUnavailable as exc:
        log.warning("parking %s %s for later: %s", envelope.type, envelope.id, exc)
        await redis().rpush(OUTBOX, json.dumps({"topic": event.TOPIC.full_name, "envelope": envelope.model_dump_json()}))


async def drain(limit: int = 50) -> int:
    """Publish parked events, oldest first; stop at the first failure."""
    sent = 0
    for _ in range(limit):
        raw = await redis().lpop(OUTBOX)
        if raw is None:
            break
        try:
            item = json.loads(raw)
            envelope = Envelope.model_validate_json(item["envelope"])
        except (ValueError, KeyError, TypeError):
            log.error("dropping an unreadable outbox entry: %.200s", raw)
            continue
        try:
            await apublish_envelope(item["topic"], envelope)
        except EventBusUnavailable:
            await redis().lpush(OUTBOX, raw)
            break
        sent += 1
    return sent
