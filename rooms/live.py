"""Live room state in Redis, so any daphne process can serve any room.

    live:room:{room:<id>}          hash  user id → avatar JSON (path, start time, conn, claim ...)
    live:room:{room:<id>}:seen     hash  user id → last heartbeat (ms)
    live:room:{room:<id>}:seq      the number of the room's last change of who is in it
    live:outbox:<prefix>:{room:<id>}  its parked events (habbo.bus.outbox)
    live:user:{user:<id>}          JSON  {room, conn, channel, claim} of the player's one socket
    room-frames:{room:<id>}        sharded pub/sub channel of the room's broadcasts (rooms.fanout)

A room's keys and channel share a hash tag, so on a Redis Cluster they live
on one shard, its scripts run there, and its frames (SPUBLISH) stay there.
Writes that must not race (entering with capacity, leaving, moving, dancing)
are Lua scripts that check the connection id, so a stale socket never
overwrites a new one; new looks (rooms.appearance) change only the looks,
whichever socket owns the avatar. A move also publishes its walk frame
(rooms.fanout) in the same script: one round trip, and nobody sees a walk
that was not stored.

A player's one socket is on their own shard, not the room's, so entering
takes two steps: the socket claims the player (a number that only grows),
then enters the room with that number; the highest claim owns the avatar,
whichever step runs first (see _CLAIM and _ENTER).
"""

import functools
import json
import time
from dataclasses import dataclass

import orjson
from pydantic import ConfigDict

from habbo.bus.outbox import outbox_key, outbox_listed
from habbo.redis import Script, redis, run_script, run_script_sync, sync_redis, tag
from rooms.frames import AvatarView, Frame, UserEntered, UserLeft, Walk, frame_text
from rooms.pathfinding import Tile

STEP_MS = 500  # the Habbo cadence: one tile every 500 ms, 2 tiles a second


def now_ms() -> int:
    return int(time.time() * 1000)


def frames_channel(room_id) -> str:
    return f"room-frames:{tag('room', room_id)}"


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
    motto: str = ""
    dance: int = 0  # 0, or the dance (1-4) it dances until it walks
    claim: int = 0  # the player's claim (_CLAIM) its socket entered with

    @classmethod
    def from_json(cls, raw: str) -> "Avatar":
        data = orjson.loads(raw)
        data["path"] = [tuple(t) for t in data["path"]]
        return cls(**data)

    def to_json(self) -> str:
        return orjson.dumps(self).decode()

    def public(self) -> AvatarView:
        """What other players see: never the connection or channel."""
        return AvatarView(id=self.id, name=self.name, figure=self.figure, motto=self.motto, dance=self.dance,
                          path=self.path, started_at=self.started_at)

    def step_index(self, at_ms: int) -> int:
        return _step_index(self.path, self.started_at, at_ms)

    def position(self, at_ms: int) -> Tile:
        return self.path[self.step_index(at_ms)]

    def next_stop(self, at_ms: int) -> tuple[Tile, int]:
        """Where a new walk starts, and when: the next tile if walking, else here and now."""
        return _next_stop(self.path, self.started_at, at_ms)


class _StoredAvatarView(AvatarView):
    # An avatar's stored JSON holds its connection, channel, visit and claim
    # too: dropped here (not kept: never in a frame).
    model_config = ConfigDict(extra="ignore", frozen=True)


# An avatar's stored JSON changes only when it does (a walk, new looks), so
# while a room fills every entrant's snapshot would parse the same ones
# again: the last few thousand are kept (frozen views, a few MiB a process).
@functools.lru_cache(maxsize=4096)
def public_of(raw: str) -> AvatarView:
    """Avatar.from_json(raw).public() in one step, parsed and checked in
    pydantic's core: half the CPU, and a snapshot holds a room's worth."""
    return _StoredAvatarView.model_validate_json(raw)


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


def standing_of(stored: dict) -> Standing:
    """The Standing of the room hash's entries (user id → avatar JSON), without building Avatars."""
    standing = {}
    for user_id, raw in stored.items():
        data = orjson.loads(raw)
        standing[int(user_id)] = (data["path"], data["started_at"])
    return standing


def occupied_tiles(standing: Standing, at_ms: int, but: int) -> set[Tile]:
    """The tiles everyone but `but` stands on or is stepping onto at `at_ms`."""
    tiles = set()
    for user_id, (path, started_at) in standing.items():
        if user_id != but:
            tiles.add(tuple(path[_step_index(path, started_at, at_ms)]))
            tiles.add(_next_stop(path, started_at, at_ms)[0])
    return tiles


# Each change of who is in a room gets a number that only grows (Redis's
# clock in ms, or one more than the last) and the count after it: the room
# stats keep the count of the highest number, so a late or repeated event
# cannot leave the navigator wrong (rooms.services.room_occupancy).
_OCCUPANCY = """
local function occupancy(room_key, seq_key)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local seq = math.max(tonumber(redis.call('GET', seq_key) or 0) + 1, now)
  redis.call('SET', seq_key, seq)
  return redis.call('HLEN', room_key), seq
end
-- Park an outbox entry (habbo.bus.outbox) in KEYS[4], given the count after
-- the change and its number: a process killed right after still leaves the
-- event to be published.
local function park(entry_json, present, seq)
  local entry = cjson.decode(entry_json)
  entry['envelope']['payload']['present'] = present
  entry['envelope']['payload']['seq'] = seq
  local parked = cjson.encode(entry)
  redis.call('RPUSH', KEYS[4], parked)
  return parked
end
"""
# A socket claims the player: it becomes their one socket, with a claim
# number that only grows, and learns the socket it replaced (ARGV[1]: {room,
# conn, channel}). The number is Redis's clock in ms, or one more than the
# claim it replaces: nothing to keep, and nothing a failover can lose makes
# a later claim come out lower (as a lost counter could). (Milliseconds: 13
# digits, which cjson writes exactly; it keeps 14.)
_CLAIM = """
local t = redis.call('TIME')
local claim = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local previous = redis.call('GET', KEYS[1])
if previous then claim = math.max(claim, (cjson.decode(previous)['claim'] or 0) + 1) end
local mine = cjson.decode(ARGV[1])
mine['claim'] = claim
redis.call('SET', KEYS[1], cjson.encode(mine))
return {claim, previous}
"""
# Enter with claim ARGV[7]. A player already here keeps their avatar (path,
# visit), now on this connection, unless a later claim owns it (then this
# socket was replaced before it got in); a newcomer is announced
# (user_entered) and its room.user_entered parked (ARGV[13], an outbox
# entry; '': none) in the same step. So under any interleaving of two
# entries the later claim owns the avatar. A newcomer stepping in from
# the door to tile ARGV[10], ARGV[11] enters only if nobody stands on it,
# steps onto it or heads for it at time ARGV[12] (as rooms.movement.taken_tiles
# sees it): two entering at once never pick the same tile.
# Only an avatar whose JSON holds the tile as "[x,y]" is decoded: every
# writer (Avatar.to_json's orjson, the scripts' cjson) writes tiles that
# compactly, and decoding a room's worth was most of an entry's Redis time.
_ENTER = _OCCUPANCY + """
local function taken(x, y, at)
  local tile_text = '[' .. x .. ',' .. y .. ']'
  for _, other in ipairs(redis.call('HVALS', KEYS[1])) do
    if string.find(other, tile_text, 1, true) then
      local avatar = cjson.decode(other)
      local path, started = avatar['path'], avatar['started_at']
      local n = #path
      local i = math.min(math.max(0, math.floor((at - started) / %(step)d)), n - 1) + 1
      local tiles = {path[i], path[n]}
      if at >= started and i < n then table.insert(tiles, path[i + 1]) end
      for _, tile in ipairs(tiles) do
        if tile[1] == x and tile[2] == y then return true end
      end
    end
  end
  return false
end
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local raw, outcome = ARGV[2], 1
if existing then
  local avatar = cjson.decode(existing)
  if (avatar['claim'] or 0) > tonumber(ARGV[7]) then return {4} end
  avatar['conn'] = ARGV[5]
  avatar['channel'] = ARGV[6]
  avatar['claim'] = tonumber(ARGV[7])
  raw, outcome = cjson.encode(avatar), 2
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0}
elseif ARGV[10] ~= '' and taken(tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])) then
  return {3}
end
redis.call('HSET', KEYS[1], ARGV[1], raw)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
local present, seq, parked = 0, 0, ''
if outcome == 1 then
  present, seq = occupancy(KEYS[1], KEYS[3])
  redis.call('SPUBLISH', ARGV[8], ARGV[9])
  if ARGV[13] ~= '' then parked = park(ARGV[13], present, seq) end
end
return {outcome, raw, present, seq, parked}
""" % {"step": STEP_MS}
# Move an avatar, and announce it, only if it still belongs to connection ARGV[2].
# Only its walk is taken from ARGV[3]: its looks may have changed since this
# socket read it (rooms.appearance), and walking ends a dance.
_MOVE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local avatar = cjson.decode(raw)
if avatar['conn'] ~= ARGV[2] then return 0 end
local moved = cjson.decode(ARGV[3])
avatar['path'], avatar['started_at'], avatar['dance'] = moved['path'], moved['started_at'], 0
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(avatar))
redis.call('SPUBLISH', ARGV[4], ARGV[5])
return 1
"""
# Change some of an avatar's fields (ARGV[3], a JSON object) and announce it
# (ARGV[5]) in one step, only if it belongs to connection ARGV[2] ('': any).
_CHANGE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local avatar = cjson.decode(raw)
if ARGV[2] ~= '' and avatar['conn'] ~= ARGV[2] then return 0 end
for field, value in pairs(cjson.decode(ARGV[3])) do avatar[field] = value end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(avatar))
redis.call('SPUBLISH', ARGV[4], ARGV[5])
return 1
"""
# Remove an avatar if it still belongs to connection ARGV[2], announce it,
# and park its room.user_left (ARGV[5], an outbox entry, given the count
# after) in the outbox in the same step: a process killed right after still
# leaves the event to be published (habbo.bus.outbox).
_REMOVE = _OCCUPANCY + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw)['conn'] ~= ARGV[2] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SPUBLISH', ARGV[3], ARGV[4])
local present, seq = occupancy(KEYS[1], KEYS[3])
if ARGV[5] == '' then return '' end
return park(ARGV[5], present, seq)
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
# Give the player's one socket back to ARGV[2] ('': nobody), unless another
# socket than this connection (ARGV[1]) has claimed it since.
_RESTORE_USER = """
local raw = redis.call('GET', KEYS[1])
if not raw or cjson.decode(raw)['conn'] ~= ARGV[1] then return end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
"""

# The room's avatars and when each socket last beat, in one atomic read (an
# avatar joining between two reads would look unseen).
_LOOK = """
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
"""

JOINED, REJOINED, FULL, TAKEN, SUPERSEDED = 1, 2, 0, 3, 4


@dataclass(frozen=True)
class Claim:
    number: int
    previous: dict | None  # the player's socket this one replaced: {room, conn, channel, claim}


@dataclass(frozen=True)
class Entry:
    # JOINED, REJOINED (the player was here on another socket), FULL, TAKEN
    # (the target), or SUPERSEDED (a later claim of the player owns the avatar)
    outcome: int
    avatar: Avatar | None  # as stored: a player already here keeps their path and visit
    present: int  # JOINED: players in the room after, and the change's number (see _OCCUPANCY)
    seq: int
    parked: str | None = None  # JOINED with an outbox entry: the entry as parked


async def claim_user(user_id: int, room_id, conn: str, channel: str) -> Claim:
    """Become the player's one socket (see _CLAIM); enter with the claim's number."""
    return claimed(await claim_script(user_id, room_id, conn, channel).run())


def claim_script(user_id: int, room_id, conn: str, channel: str) -> Script:
    """claim_user() as a call for habbo.redis.one_round_trip; its reply goes to claimed()."""
    mine = json.dumps({"room": str(room_id), "conn": conn, "channel": channel})
    return Script(_CLAIM, [user_key(user_id)], [mine])


def claimed(reply) -> Claim:
    number, previous = reply
    return Claim(int(number), json.loads(previous) if previous else None)


class LiveRoom:
    def __init__(self, room_id):
        self.room_id = str(room_id)
        self.tag = tag("room", self.room_id)
        self.key = f"live:room:{self.tag}"
        self.seen_key = f"{self.key}:seen"
        self.seq_key = f"{self.key}:seq"

    async def join(self, avatar: Avatar, capacity: int, *, target: Tile | None = None,
                   outbox_entry: str = "") -> "Entry":
        """Enter the room with the avatar's claim (see _ENTER); a newcomer
        walking in to `target` only if nobody has taken it meanwhile, with
        `outbox_entry` (its room.user_entered, completed with the count
        after) parked in the same step (for habbo.bus.outbox.publish_soon)."""
        entered = frame_text(UserEntered(user=avatar.public()))
        reply = await run_script(_ENTER, [self.key, self.seen_key, self.seq_key, outbox_key(self.tag)], [
            avatar.id, avatar.to_json(), capacity, now_ms(), avatar.conn, avatar.channel, avatar.claim,
            frames_channel(self.room_id), entered, *(target or ("", "")), avatar.started_at, outbox_entry])
        if reply[0] in (FULL, TAKEN, SUPERSEDED):
            return Entry(reply[0], None, 0, 0)
        outcome, raw, present, seq, parked = reply
        return Entry(outcome, Avatar.from_json(raw), present, seq, parked or None)

    async def move(self, avatar: Avatar, frame: Walk) -> bool:
        """Store a moved avatar and broadcast `frame` to the room, unless
        another socket has taken the avatar over (then neither happens)."""
        return bool(await run_script(_MOVE, [self.key, self.seen_key], [
            avatar.id, avatar.conn, avatar.to_json(), frames_channel(self.room_id), frame_text(frame)]))

    async def change(self, user_id: int, conn: str, fields: dict, frame: Frame) -> bool:
        """Set some of the avatar's fields and broadcast `frame`, unless
        another socket has taken the avatar over (then neither happens)."""
        return bool(await run_script(_CHANGE, [self.key], self._change_args(user_id, conn, fields, frame)))

    def change_sync(self, user_id: int, fields: dict, frame: Frame) -> bool:
        """change() for synchronous code (a view), whichever socket owns the
        avatar; False if the player has no avatar here."""
        return bool(run_script_sync(_CHANGE, [self.key], self._change_args(user_id, "", fields, frame)))

    def _change_args(self, user_id: int, conn: str, fields: dict, frame: Frame) -> list:
        return [user_id, conn, orjson.dumps(fields).decode(), frames_channel(self.room_id), frame_text(frame)]

    async def remove(self, user_id: int, conn: str) -> bool:
        """Take the avatar out and broadcast `user_left`, in one step, unless
        another socket owns it; True for the one caller that removed it."""
        return await self._remove(user_id, conn, "") is not None

    async def leave(self, user_id: int, conn: str, outbox_entry: str) -> str | None:
        """remove(), parking `outbox_entry` (a room.user_left, completed with
        the count after) in the outbox in the same step; the entry as parked,
        or None if another socket owns the avatar."""
        return await self._remove(user_id, conn, outbox_entry)

    async def _remove(self, user_id: int, conn: str, outbox_entry: str) -> str | None:
        left = frame_text(UserLeft(user=user_id))
        if outbox_entry:
            await outbox_listed(self.tag)
        return await run_script(_REMOVE, [self.key, self.seen_key, self.seq_key, outbox_key(self.tag)], [
            user_id, conn, frames_channel(self.room_id), left, outbox_entry])

    async def get(self, user_id: int) -> Avatar | None:
        raw = await redis().hget(self.key, user_id)
        return Avatar.from_json(raw) if raw else None

    async def avatars(self) -> list[Avatar]:
        return [Avatar.from_json(raw) for raw in (await redis().hgetall(self.key)).values()]

    async def stored(self) -> dict:
        """The room hash: user id → the avatar's JSON."""
        return await redis().hgetall(self.key)

    async def standing(self) -> Standing:
        return standing_of(await self.stored())

    async def claim_reaping(self, seconds: float) -> bool:
        """One process per room and interval looks for dead avatars, not every one."""
        return bool(await redis().set(f"{self.key}:reaper", 1, nx=True, px=int(seconds * 1000)))

    async def heartbeat(self, avatars: list[tuple[int, str]]) -> set[str]:
        """Mark each (user id, connection)'s avatar alive; return the
        connections whose avatar is no longer theirs (cleared or taken over)."""
        pairs = [value for avatar in avatars for value in avatar]
        return set(await run_script(_BEAT, [self.key, self.seen_key], [now_ms(), *pairs]))

    async def look(self, older_than_ms: int) -> tuple[dict, list[Avatar]]:
        """The avatars whose socket beats (user id → stored avatar, for
        standing_of) and those whose socket has not beaten for a while (its
        process died), in one read."""
        return self.looked(await self.look_script().run(), older_than_ms)

    def look_script(self) -> Script:
        """look() as a call for habbo.redis.one_round_trip; its reply goes to looked()."""
        return Script(_LOOK, [self.key, self.seen_key], [])

    @staticmethod
    def looked(reply, older_than_ms: int) -> tuple[dict, list[Avatar]]:
        avatars, seen = (dict(zip(flat[::2], flat[1::2])) for flat in reply)
        limit = now_ms() - older_than_ms
        beating, stale = {}, []
        for user_id, raw in avatars.items():
            if int(seen.get(user_id, 0)) < limit:
                stale.append(Avatar.from_json(raw))
            else:
                beating[user_id] = raw
        return beating, stale


def user_key(user_id: int) -> str:
    return f"live:user:{tag('user', user_id)}"


def rooms_of(user_ids: list[int]) -> dict[int, str]:
    """The room each player's one room socket is in (synchronous code), for
    those in one; one pipeline however many players (on a cluster, a round
    trip per shard: the players' keys are on their own slots)."""
    with sync_redis().pipeline(transaction=False) as pipe:
        for uid in user_ids:
            pipe.get(user_key(uid))
        sockets = pipe.execute() if user_ids else []
    return {uid: json.loads(raw)["room"] for uid, raw in zip(user_ids, sockets) if raw}


def room_of(user_id: int) -> str | None:
    return rooms_of([user_id]).get(user_id)


async def release_user(user_id: int, conn: str) -> None:
    await run_script(_RELEASE_USER, [user_key(user_id)], [conn])


async def restore_user(user_id: int, conn: str, previous: dict | None) -> None:
    """Undo an entry's claim of the player's one socket (the entry failed):
    back to the socket it replaced if that one is still in its room (read
    first: the room is on another shard), else nobody holds it."""
    back = ""
    if previous:
        avatar = await LiveRoom(previous["room"]).get(user_id)
        if avatar is not None and avatar.conn == previous["conn"]:
            back = json.dumps(previous)
    await run_script(_RESTORE_USER, [user_key(user_id)], [conn, back])
