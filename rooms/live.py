"""Live room state in Redis, so any daphne process can serve any room.

    live:room:<room id>        hash  user id → avatar JSON (path, start time, conn ...)
    live:room:<room id>:seen   hash  user id → last heartbeat (ms)
    live:user:<user id>        JSON  {room, conn, channel} of the player's one socket
    room-frames:<room id>      pub/sub channel of the room's broadcasts (rooms.fanout)

Writes that must not race (join with capacity, leave, move) are Lua scripts
that check the connection id, so a stale socket never overwrites a new one.
A move also publishes its walk frame (rooms.fanout) in the same script: one
round trip, and nobody sees a walk that was not stored.
"""

import json
import time

import orjson
from dataclasses import dataclass

from habbo.redis import redis, run_script
from rooms.pathfinding import Tile

STEP_MS = 500  # the Habbo cadence: one tile every 500 ms, 2 tiles a second


def now_ms() -> int:
    return int(time.time() * 1000)


def frames_channel(room_id) -> str:
    return f"room-frames:{room_id}"


def frame_text(payload: dict) -> str:
    """A room frame as published on frames_channel."""
    return orjson.dumps(payload).decode()


@dataclass
class Avatar:
    id: int
    name: str
    figure: dict
    path: list[Tile]
    started_at: int
    conn: str
    channel: str
    visit: str

    @classmethod
    def from_json(cls, raw: str) -> "Avatar":
        data = orjson.loads(raw)
        data["path"] = [tuple(t) for t in data["path"]]
        return cls(**data)

    def to_json(self) -> str:
        return orjson.dumps(self).decode()

    def public(self) -> dict:
        """What other players see: never the connection or channel."""
        return {
            "id": self.id,
            "name": self.name,
            "figure": self.figure,
            "path": [list(t) for t in self.path],
            "started_at": self.started_at,
        }

    def step_index(self, at_ms: int) -> int:
        return _step_index(self.path, self.started_at, at_ms)

    def position(self, at_ms: int) -> Tile:
        return self.path[self.step_index(at_ms)]

    def next_stop(self, at_ms: int) -> tuple[Tile, int]:
        """Where a new walk starts, and when: the next tile if walking, else here and now."""
        return _next_stop(self.path, self.started_at, at_ms)


def _step_index(path: list, started_at: int, at_ms: int) -> int:
    return min(max(0, (at_ms - started_at) // STEP_MS), len(path) - 1)


def _next_stop(path: list, started_at: int, at_ms: int) -> tuple[Tile, int]:
    if at_ms < started_at:  # still heading for the first tile of this walk
        return tuple(path[0]), started_at
    i = _step_index(path, started_at, at_ms)
    if i >= len(path) - 1:
        return tuple(path[-1]), at_ms
    return tuple(path[i + 1]), started_at + (i + 1) * STEP_MS


# user id → (path, start time): enough to know where an avatar is at any moment.
Standing = dict[int, tuple[list, int]]


def occupied_tiles(standing: Standing, at_ms: int, but: int) -> set[Tile]:
    """The tiles everyone but `but` stands on or is stepping onto at `at_ms`."""
    tiles = set()
    for user_id, (path, started_at) in standing.items():
        if user_id != but:
            tiles.add(tuple(path[_step_index(path, started_at, at_ms)]))
            tiles.add(_next_stop(path, started_at, at_ms)[0])
    return tiles


_JOIN = """
local present = redis.call('HEXISTS', KEYS[1], ARGV[1])
if present == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
if present == 1 then return 2 end
return 1
"""
# Move or remove an avatar, and announce it, only if it still belongs to connection ARGV[2].
_MOVE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw)['conn'] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
"""
_REMOVE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw)['conn'] ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
"""
# Mark avatars (ARGV: now, then user id and connection pairs) alive; return
# the connections whose avatar is no longer theirs.
_BEAT = """
local gone = {}
for i = 2, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw)['conn'] == ARGV[i + 1] then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[1])
  else
    table.insert(gone, ARGV[i + 1])
  end
end
return gone
"""
_RELEASE_USER = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw)['conn'] == ARGV[1] then redis.call('DEL', KEYS[1]) end
"""

JOINED, REJOINED, FULL = 1, 2, 0


class LiveRoom:
    def __init__(self, room_id):
        self.room_id = str(room_id)
        self.key = f"live:room:{self.room_id}"
        self.seen_key = f"{self.key}:seen"

    async def join(self, avatar: Avatar, capacity: int) -> int:
        """JOINED, REJOINED (the player was here on another socket) or FULL."""
        return await run_script(_JOIN, [self.key, self.seen_key], [avatar.id, avatar.to_json(), capacity, now_ms()])

    async def move(self, avatar: Avatar, frame: dict) -> bool:
        """Store a moved avatar and broadcast `frame` to the room, unless
        another socket has taken the avatar over (then neither happens)."""
        return bool(await run_script(_MOVE, [self.key, self.seen_key], [
            avatar.id, avatar.conn, avatar.to_json(), frames_channel(self.room_id), frame_text(frame)]))

    async def remove(self, user_id: int, conn: str) -> bool:
        """Take the avatar out and broadcast `user_left`, in one step, unless
        another socket owns it; True for the one caller that removed it."""
        left = frame_text({"type": "user_left", "user": user_id})
        return bool(await run_script(_REMOVE, [self.key, self.seen_key], [user_id, conn, frames_channel(self.room_id), left]))

    async def get(self, user_id: int) -> Avatar | None:
        raw = await redis().hget(self.key, user_id)
        return Avatar.from_json(raw) if raw else None

    async def avatars(self) -> list[Avatar]:
        return [Avatar.from_json(raw) for raw in (await redis().hgetall(self.key)).values()]

    async def standing(self) -> Standing:
        """Everyone's path and start time, without building Avatars."""
        standing = {}
        for user_id, raw in (await redis().hgetall(self.key)).items():
            data = orjson.loads(raw)
            standing[int(user_id)] = (data["path"], data["started_at"])
        return standing

    async def claim_reaping(self, seconds: float) -> bool:
        """One process per room and interval looks for dead avatars, not every one."""
        return bool(await redis().set(f"{self.key}:reaper", 1, nx=True, px=int(seconds * 1000)))

    async def heartbeat(self, avatars: list[tuple[int, str]]) -> set[str]:
        """Mark each (user id, connection)'s avatar alive; return the
        connections whose avatar is no longer theirs (cleared or taken over)."""
        pairs = [value for avatar in avatars for value in avatar]
        return set(await run_script(_BEAT, [self.key, self.seen_key], [now_ms(), *pairs]))

    async def stale(self, older_than_ms: int) -> list[Avatar]:
        """Avatars whose socket has not beaten for a while (its process died)."""
        # One atomic read: an avatar joining between two reads would look unseen.
        async with redis().pipeline(transaction=True) as pipe:
            avatars, seen = await pipe.hgetall(self.key).hgetall(self.seen_key).execute()
        limit = now_ms() - older_than_ms
        return [Avatar.from_json(raw) for uid, raw in avatars.items() if int(seen.get(uid, 0)) < limit]


def user_key(user_id: int) -> str:
    return f"live:user:{user_id}"


async def claim_user(user_id: int, *, room_id: str, conn: str, channel: str) -> dict | None:
    """Record this socket as the player's one socket; return the one it replaces."""
    new = json.dumps({"room": room_id, "conn": conn, "channel": channel})
    old = await redis().set(user_key(user_id), new, get=True)
    return json.loads(old) if old else None


async def release_user(user_id: int, conn: str) -> None:
    await run_script(_RELEASE_USER, [user_key(user_id)], [conn])
