"""Parked events (habbo.bus.outbox) are found and published by any process's
drain, however many rooms have an outbox: an outbox per room (its hash tag),
listed in an index the drain takes oldest first and unlists once empty.
Real Redis and Kafka."""

import asyncio
import uuid

import pytest

from habbo.bus import outbox
from habbo.redis import redis
from rooms.events import UserLeft
from rooms.live import LiveRoom

pytestmark = pytest.mark.django_db

ROOMS = outbox.DRAIN_OUTBOXES + 5  # more outboxes than one drain looks at


async def test_every_parked_event_is_published_once_and_every_outbox_unlisted(kafka, clean_redis):
    rooms = [LiveRoom(uuid.uuid4()) for _ in range(ROOMS)]
    for room in rooms:
        for _ in range(2):
            left = UserLeft(room_id=room.room_id, user_id=7, visit_id=uuid.uuid4())
            await outbox.park(left, actor=None, tagged=room.tag)
    # The first room's outbox was listed first, and listing it again keeps it first.
    await outbox.outbox_listed(rooms[0].tag)
    assert (await redis().zrange(outbox._index_key(), 0, 0))[0] == rooms[0].tag

    sent = 0
    while drained := await outbox.drain():
        sent += drained
    assert sent == 2 * ROOMS
    published = kafka.read(f"{kafka.prefix}room-events", 2 * ROOMS)
    assert sorted(m.key().decode() for m in published) == sorted(room.room_id for room in rooms for _ in range(2))
    assert await redis().zcard(outbox._index_key()) == 0
    assert [await redis().llen(outbox.outbox_key(room.tag)) for room in rooms] == [0] * ROOMS


async def test_drains_asked_for_at_every_entry_start_at_most_once_a_period(monkeypatch):
    """Every entry asks for a drain; one starts at once, the asks within its
    period make one more when the period is up, and no ask is left without one."""
    started = []

    async def drain():
        started.append(asyncio.get_running_loop().time())
        return 0

    monkeypatch.setattr(outbox, "drain", drain)
    monkeypatch.setattr(outbox, "DRAIN_EVERY_S", 0.3)
    for _ in range(20):  # asks for 0.2 s, within the first period
        outbox.drain_soon()
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    assert len(started) == 2
    assert started[1] - started[0] >= 0.3
    outbox.drain_soon()  # long after the last: at once
    await asyncio.sleep(0.05)
    assert len(started) == 3
