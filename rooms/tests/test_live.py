"""Live room state scripts against the real Redis: undoing a failed entry."""

import json
import uuid

from habbo.redis import redis
from rooms.live import Avatar, LiveRoom, now_ms, restore_user, user_key

PLAYER = 3_000_001


def avatar(conn: str) -> Avatar:
    return Avatar(PLAYER, "twice", {}, [(0, 0)], now_ms(), conn, f"channel-{conn}", uuid.uuid4().hex)


async def claimed_by() -> str | None:
    raw = await redis().get(user_key(PLAYER))
    return json.loads(raw)["conn"] if raw else None


async def test_a_failed_entry_gives_the_player_back_to_a_socket_still_in_its_room(clean_redis):
    here, there = LiveRoom(uuid.uuid4()), LiveRoom(uuid.uuid4())
    await here.join(avatar("first"), 10)
    entry = await there.join(avatar("second"), 10)
    assert entry.previous["conn"] == "first" and await claimed_by() == "second"
    await there.remove(PLAYER, "second")  # its entry was refused
    await restore_user(PLAYER, "second", entry.previous)
    assert await claimed_by() == "first"


async def test_a_failed_entry_gives_nothing_back_to_a_socket_that_has_left(clean_redis):
    here, there = LiveRoom(uuid.uuid4()), LiveRoom(uuid.uuid4())
    await here.join(avatar("first"), 10)
    entry = await there.join(avatar("second"), 10)
    await here.remove(PLAYER, "first")  # its tab closed while the entry waited for Kafka
    await there.remove(PLAYER, "second")
    await restore_user(PLAYER, "second", entry.previous)
    assert await claimed_by() is None, "no claim left for a socket that is gone"
