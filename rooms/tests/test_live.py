"""Live room state scripts against the real Redis: undoing a failed entry,
and the player's later claim owning the avatar whichever entry runs first."""

import json
import uuid

from habbo.redis import redis
from rooms.frames import UserEntered, frame_text
from rooms.live import (
    REJOINED, SUPERSEDED, Avatar, LiveRoom, claim_user, now_ms, public_of, restore_user, user_key,
)

PLAYER = 3_000_001


def avatar(conn: str, claim: int = 0) -> Avatar:
    return Avatar(PLAYER, "twice", {}, [(0, 0)], now_ms(), conn, f"channel-{conn}", uuid.uuid4().hex, claim=claim)


async def claimed_by() -> str | None:
    raw = await redis().get(user_key(PLAYER))
    return json.loads(raw)["conn"] if raw else None


async def enter(room: LiveRoom, conn: str):
    """As a socket does: claim the player, then enter with the claim."""
    claim = await claim_user(PLAYER, room.room_id, conn, f"channel-{conn}")
    entry = await room.join(avatar(conn, claim.number), 10)
    return claim, entry


async def test_a_failed_entry_gives_the_player_back_to_a_socket_still_in_its_room(clean_redis):
    here, there = LiveRoom(uuid.uuid4()), LiveRoom(uuid.uuid4())
    await enter(here, "first")
    claim, _ = await enter(there, "second")
    assert claim.previous["conn"] == "first" and await claimed_by() == "second"
    await there.remove(PLAYER, "second")  # its entry was refused
    await restore_user(PLAYER, "second", claim.previous)
    assert await claimed_by() == "first"


async def test_a_failed_entry_gives_nothing_back_to_a_socket_that_has_left(clean_redis):
    here, there = LiveRoom(uuid.uuid4()), LiveRoom(uuid.uuid4())
    await enter(here, "first")
    claim, _ = await enter(there, "second")
    await here.remove(PLAYER, "first")  # its tab closed while the entry waited for Kafka
    await there.remove(PLAYER, "second")
    await restore_user(PLAYER, "second", claim.previous)
    assert await claimed_by() is None, "no claim left for a socket that is gone"


async def test_the_later_claim_owns_the_avatar_whichever_socket_enters_first(clean_redis):
    room = LiveRoom(uuid.uuid4())
    early = await claim_user(PLAYER, room.room_id, "early", "channel-early")
    late = await claim_user(PLAYER, room.room_id, "late", "channel-late")  # above, even in the same ms
    assert late.number > early.number and late.previous["conn"] == "early"
    # The later claim gets in first: the earlier one, arriving after, is refused.
    await room.join(avatar("late", late.number), 10)
    assert (await room.join(avatar("early", early.number), 10)).outcome == SUPERSEDED
    assert (await room.get(PLAYER)).conn == "late"
    # The other order: the later claim takes the avatar over from the earlier one.
    other = LiveRoom(uuid.uuid4())
    first = await claim_user(PLAYER, other.room_id, "a", "channel-a")
    second = await claim_user(PLAYER, other.room_id, "b", "channel-b")
    await other.join(avatar("a", first.number), 10)
    entry = await other.join(avatar("b", second.number), 10)
    assert entry.outcome == REJOINED and (await other.get(PLAYER)).conn == "b"


def test_what_others_see_of_a_stored_avatar_leaves_its_connection_out():
    stored = avatar("secret-conn", claim=7)
    stored.motto, stored.dance = "hi", 2
    seen = public_of(stored.to_json())
    assert seen.model_dump() == stored.public().model_dump()
    text = frame_text(UserEntered(user=seen))
    assert text == frame_text(UserEntered(user=stored.public()))
    for private in ("secret-conn", "channel-", stored.visit, '"claim"'):
        assert private not in text
