"""Events that must be published but whose moment cannot wait for Kafka.

A player leaving a room while Kafka is down still has to be counted out,
and one entering is let in and counted once Kafka is back. Such an event
(room.user_left, room.user_entered) is parked in a Redis list by the same
script that changes the live state (rooms.live), then published (a leave's
at once; entries' together, moments later: publish_soon), and only then
taken off the list. A process killed at any point leaves the entry
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
from habbo.bus.producer import apublish_many
from habbo.loops import per_loop
from habbo.redis import redis

log = logging.getLogger(__name__)

DRAIN_OUTBOXES = 20  # outboxes one drain() looks at
# drain_soon() starts a drain at most this often per event loop: every room
# entry asks for one, and a drain costs a Redis round trip even when nothing
# is parked (bench/README.md, "Entering").
DRAIN_EVERY_S = 1.0
# publish_soon() gathers what is parked this long: a room filling up parks
# an entry every few milliseconds, and each publish on its own cost the
# broker a request and the web process a wake-up (bench/README.md, "Tenth session").
PUBLISH_AFTER_S = 0.02


def outbox_key(tagged: str) -> str:
    """The outbox of the keys with hash tag `tagged`, per topic prefix:
    hotels (or test runs) sharing a Redis never publish each other's events."""
    return f"live:outbox:{settings.KAFKA_TOPIC_PREFIX}:{tagged}"


def _index_key() -> str:
    return f"live:outboxes:{settings.KAFKA_TOPIC_PREFIX}"


async def outbox_listed(*tagged: str) -> None:
    """List the outboxes in the index (those not listed yet): before parking
    an entry in one, and again when the entry is left for the drain."""
    now = int(time.time() * 1000)
    await redis().zadd(_index_key(), dict.fromkeys(tagged, now), nx=True)


def entry(event: Event, *, actor: int | None) -> str:
    """An outbox entry: the topic and the envelope to publish there."""
    envelope = event.envelope(actor=actor)
    return json.dumps({"topic": event.TOPIC.full_name, "envelope": envelope.model_dump(mode="json")})


async def publish_parked(parked: str, tagged: str) -> bool:
    """Publish one parked entry and take it off the list; False if Kafka did
    not take it (it stays parked)."""
    return await publish_parked_many([(parked, tagged)]) == 1


async def publish_parked_many(items: list[tuple[str, str]]) -> int:
    """Publish parked entries (each with its outbox's tag) together, in one
    request where one by one each would be a request and a wake-up of its
    own, and take each Kafka acknowledged off its outbox. Returns how many
    went (an unreadable entry goes too: dropped); the others stay parked."""
    readable, dropped = [], 0
    for parked, tagged in items:
        try:
            item = json.loads(parked)
            readable.append((parked, tagged, item["topic"], Envelope.model_validate(item["envelope"])))
        except (ValueError, KeyError, TypeError):
            log.error("dropping an unreadable outbox entry: %.200s", parked)
            await redis().lrem(outbox_key(tagged), 1, parked)
            dropped += 1
    acked = await apublish_many([(topic, envelope) for _, _, topic, envelope in readable])
    await asyncio.gather(*(redis().lrem(outbox_key(tagged), 1, parked)
                           for (parked, tagged, _, _), ok in zip(readable, acked) if ok))
    unpublished = [(tagged, envelope) for (_, tagged, _, envelope), ok in zip(readable, acked) if not ok]
    for tagged, envelope in unpublished:
        log.warning("%s %s stays parked: Kafka did not acknowledge it (in time, or at all)", envelope.type, envelope.id)
    if unpublished:
        await outbox_listed(*{tagged for tagged, _ in unpublished})
    return dropped + sum(acked)


async def drain(limit: int = 50) -> int:
    """Publish parked events, up to `limit` of each outbox together, oldest
    outboxes first; stop at the first outbox Kafka did not take in full."""
    sent = 0
    listed = await redis().zrange(_index_key(), 0, DRAIN_OUTBOXES - 1, withscores=True)
    for tagged, _ in listed:
        parked = await redis().lrange(outbox_key(tagged), 0, limit - 1)
        went = await publish_parked_many([(entry, tagged) for entry in parked])
        sent += went
        if went < len(parked):
            return sent
        if not await redis().llen(outbox_key(tagged)):
            await redis().zrem(_index_key(), tagged)
            if await redis().llen(outbox_key(tagged)):  # parked meanwhile
                await outbox_listed(tagged)
    return sent


class _Publisher:
    def __init__(self):
        self.waiting: list[tuple[str, str]] = []  # parked entries and their outboxes' tags
        self.task: asyncio.Task | None = None  # the one that takes them
        self.running: set[asyncio.Task] = set()  # kept: the event loop holds tasks only weakly


_publisher = per_loop(_Publisher)


def publish_soon(parked: str, tagged: str) -> None:
    """Publish a parked entry within PUBLISH_AFTER_S, together with the
    others parked meanwhile, for a caller that need not wait for Kafka (a
    player entering a room). What Kafka does not take stays for a drain."""
    publisher = _publisher()
    publisher.waiting.append((parked, tagged))
    if publisher.task is None:
        publisher.task = asyncio.create_task(_publish_waiting(publisher), name="outbox-publish")
        publisher.running.add(publisher.task)
        publisher.task.add_done_callback(publisher.running.discard)


async def _publish_waiting(publisher: _Publisher) -> None:
    await asyncio.sleep(PUBLISH_AFTER_S)
    items, publisher.waiting, publisher.task = publisher.waiting, [], None
    try:
        # Listed after parking, once for the lot: the entries already wait in
        # their outboxes, and one not listed (this process killed first, or
        # the index's Redis node down) is found at its room's next entry or
        # leave, which list the outbox again. An entry need not wait for it.
        await outbox_listed(*{tagged for _, tagged in items})
    except Exception:
        log.warning("%d parked events' outboxes could not be listed", len(items), exc_info=True)
    try:
        if await publish_parked_many(items) < len(items):
            drain_soon()
    except Exception:  # Redis failed on the way: what is still parked is a drain's
        log.exception("publishing %d parked events failed; they stay parked", len(items))


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
