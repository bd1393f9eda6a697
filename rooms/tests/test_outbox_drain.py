"""Parked events (habbo.bus.outbox) are found and published by any process's
drain, however many rooms have an outbox: an outbox per room (its hash tag),
listed in an index the drain takes oldest first and unlists once empty; and
entries parked as players enter are published together moments later.
Real Redis and Kafka."""

import asyncio
import json
import uuid

import pytest

from habbo.bus import outbox
from habbo.redis import redis
from rooms.events import UserEntered, UserLeft
from rooms.live import JOINED, REJOINED, Avatar, LiveRoom, now_ms

pytestmark = pytest.mark.django_db

ROOMS = outbox.DRAIN_OUTBOXES + 5  # more outboxes than one drain looks at


async def park(event, *, tagged: str) -> str:
    """What the live room's scripts do: list the outbox, then park the entry."""
    parked = outbox.entry(event, actor=None)
    await outbox.outbox_listed(tagged)
    await redis().rpush(outbox.outbox_key(tagged), parked)
    return parked


async def test_every_parked_event_is_published_once_and_every_outbox_unlisted(kafka, clean_redis):
    rooms = [LiveRoom(uuid.uuid4()) for _ in range(ROOMS)]
    for room in rooms:
        for _ in range(2):
            left = UserLeft(room_id=room.room_id, user_id=7, visit_id=uuid.uuid4())
            await park(left, tagged=room.tag)
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


async def test_entries_parked_as_players_enter_go_to_kafka_together_with_their_counts(kafka, clean_redis):
    """The entry script parks each newcomer's room.user_entered with the
    count after it; publish_soon sends what a moment parked together and
    takes it off the outbox."""
    room = LiveRoom(uuid.uuid4())
    sent = {}
    for user_id in (1, 2, 3):
        visit = uuid.uuid4()
        event = UserEntered(room_id=room.room_id, user_id=user_id, visit_id=visit)
        avatar = Avatar(user_id, f"p{user_id}", {}, [(0, user_id)], now_ms(), f"conn{user_id}", "chan", visit.hex)
        entry = await room.join(avatar, 25, outbox_entry=outbox.entry(event, actor=user_id))
        assert (entry.outcome, entry.present) == (JOINED, user_id)
        sent[user_id] = entry
        outbox.publish_soon(entry.parked, room.tag)
    assert await redis().llen(outbox.outbox_key(room.tag)) == 3  # parked before the publish
    # A player already in (another socket) parks nothing: no second entry.
    second = outbox.entry(UserEntered(room_id=room.room_id, user_id=1, visit_id=uuid.uuid4()), actor=1)
    again = await room.join(Avatar(1, "p1", {}, [(0, 1)], now_ms(), "conn1b", "chan", "x", claim=1), 25,
                            outbox_entry=second)
    assert (again.outcome, again.parked) == (REJOINED, None)

    for _ in range(100):
        if not await redis().llen(outbox.outbox_key(room.tag)):
            break
        await asyncio.sleep(0.05)
    assert await redis().llen(outbox.outbox_key(room.tag)) == 0
    published = await asyncio.to_thread(kafka.read, f"{kafka.prefix}room-events", 3)
    payloads = sorted((json.loads(m.value())["payload"] for m in published), key=lambda p: p["user_id"])
    assert [(p["user_id"], p["present"], p["seq"]) for p in payloads] == [
        (user_id, entry.present, entry.seq) for user_id, entry in sent.items()
    ]
