"""Flood control like the Habbo emulators: FLOOD_LINES lines within
FLOOD_WINDOW_MS mutes the player for MUTE_S seconds. Kept in Redis so it
holds across sockets and processes."""

import time

from habbo.redis import redis, tag

FLOOD_LINES = 6
FLOOD_WINDOW_MS = 4000
MUTE_S = 30


def _keys(user_id: int) -> tuple[str, str]:
    # One hash tag: on a Redis Cluster a player's lines and mute share a slot.
    player = tag("user", user_id)
    return f"live:flood:{player}", f"live:mute:{player}"


async def muted_for(user_id: int) -> int:
    """Seconds left of a mute, 0 if none."""
    return max(0, await redis().ttl(_keys(user_id)[1]))


async def record_line(user_id: int) -> int:
    """Count a line; return the seconds of mute it caused (0: none)."""
    lines, mute = _keys(user_id)
    now = int(time.time() * 1000)
    async with redis().pipeline(transaction=True) as pipe:
        pipe.lpush(lines, now).ltrim(lines, 0, FLOOD_LINES - 1).lrange(lines, 0, -1).expire(lines, 60)
        _, _, stamps, _ = await pipe.execute()
    if len(stamps) == FLOOD_LINES and now - int(stamps[-1]) < FLOOD_WINDOW_MS:
        await redis().set(mute, 1, ex=MUTE_S)
        await redis().delete(lines)
        return MUTE_S
    return 0
