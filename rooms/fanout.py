"""Room broadcasts, fanned out once per web process, and where everyone stands.

A broadcast is one Redis PUBLISH of the JSON frame on `room-frames:<id>`.
Each web process subscribes once for every room it has sockets in, and
hands each frame to its sockets of that room, framed once for all of them
(habbo.direct_frames, unless DAPHNE_SHORTCUTS is off). Through the channel
layer, every receiving socket cost a queue, a task wake-up and a consumer
dispatch; those were most of the CPU per delivered message (bench/README.md).

The same frames (`walk`, `user_entered`, `user_left`) keep a copy of where
every avatar in the room walks, so a walk finds its obstacles here instead
of reading the whole room from Redis; the furniture frames keep a copy of
the room's furniture (rooms.live_furniture). Both are read (from Redis and
the database) after each (re)subscription, and the frames that arrive
meanwhile are replayed on top: a frame published after the subscription is
never missed, and one published before it is already in what was read.
"""

import asyncio
import logging
from typing import Protocol

import orjson
from channels.db import database_sync_to_async
from django.conf import settings
from redis import asyncio as aioredis

from habbo.direct_frames import Frame
from habbo.loops import per_loop
from habbo.redis import redis
from rooms import frames
from rooms.live import LiveRoom, Standing, frames_channel, occupied_tiles
from rooms.live_furniture import LiveFurniture
from rooms.pathfinding import Tile
from rooms.selectors import room_furnishing

log = logging.getLogger(__name__)

SEED_TIMEOUT_S = 10  # how long a socket waits for its room to be read
SEED_RETRY_S = 1


class Socket(Protocol):
    async def send_frame(self, frame: Frame) -> None: ...


async def broadcast(room_id, frame: frames.Frame) -> None:
    """Send `frame` to every socket in the room, in every process."""
    await redis().publish(frames_channel(room_id), frames.frame_text(frame))


def _apply(standing: Standing, event: dict) -> None:
    kind = event.get("type")
    if kind == "walk":
        standing[event["user"]] = (event["path"], event["started_at"])
    elif kind == "user_entered":
        avatar = event["user"]
        standing[avatar["id"]] = (avatar["path"], avatar["started_at"])
    elif kind == "user_left":
        standing.pop(event["user"], None)


class LocalRoom:
    """A room this process has sockets in."""

    def __init__(self, room_id):
        self.room_id = room_id
        self.sockets: set[Socket] = set()
        self.standing: Standing = {}
        self.furniture: LiveFurniture | None = None
        self.seeded = asyncio.Event()
        self.replay: list[dict] | None = None  # frames that arrived while Redis was being read
        self.reads = 0  # reads of the room started; only the latest one's answer is used
        self.closed = False  # this process left the room
        self.reseeding: asyncio.Task | None = None

    def observe(self, event: dict) -> None:
        _apply(self.standing, event)
        if self.replay is not None:
            self.replay.append(event)
        elif self.furniture is not None and not self.furniture.apply(event):
            # A furniture frame was missed (a consumer handed its partition
            # over meanwhile): read the room again, this frame and those
            # after it replayed on top. (The task is kept so it is not collected.)
            log.warning("room fan-out: room %s missed a furniture frame; reading it again", self.room_id)
            self.replay = [event]
            self.reseeding = asyncio.create_task(self.seed())

    async def seed(self) -> None:
        """Read the room from Redis (after a subscription was confirmed),
        until it succeeds, a newer read starts or the process leaves the room."""
        self.reads += 1
        read = self.reads
        if self.replay is None:
            self.replay = []
        while True:
            try:
                standing = await LiveRoom(self.room_id).standing()
                furnishing = await database_sync_to_async(room_furnishing)(self.room_id)
                break
            except Exception:
                log.exception("room fan-out: reading room %s failed; trying again", self.room_id)
            await asyncio.sleep(SEED_RETRY_S)
            if read != self.reads or self.closed:
                return
        if read != self.reads:
            return  # a newer read is on its way, with every frame since this one's start
        furniture = LiveFurniture(furnishing) if furnishing else None
        for event in self.replay:
            _apply(standing, event)
            if furniture:
                furniture.apply(event)
        self.standing, self.furniture, self.replay = standing, furniture, None
        self.seeded.set()


class RoomFanout:
    """This event loop's subscriptions: room channel → the local room."""

    def __init__(self):
        self.rooms: dict[str, LocalRoom] = {}
        self._lock = asyncio.Lock()
        self._client = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        self._pubsub = self._client.pubsub()
        self._reader: asyncio.Task | None = None
        self._seeds: set[asyncio.Task] = set()

    async def join(self, room_id, socket: Socket) -> None:
        """Add the socket; returns once the room's standing is known here."""
        channel = frames_channel(room_id)
        async with self._lock:
            room = self.rooms.get(channel)
            if room is None:
                # In the map before subscribing: the confirmation starts its first read.
                room = self.rooms[channel] = LocalRoom(room_id)
                try:
                    await self._pubsub.subscribe(channel)
                except BaseException:
                    del self.rooms[channel]
                    raise
                if self._reader is None or self._reader.done():
                    self._reader = asyncio.create_task(self._read(), name="room-fanout")
            room.sockets.add(socket)
        try:
            async with asyncio.timeout(SEED_TIMEOUT_S):
                await room.seeded.wait()
        except BaseException:
            await self.leave(room_id, socket)
            raise

    async def leave(self, room_id, socket: Socket) -> None:
        channel = frames_channel(room_id)
        async with self._lock:
            room = self.rooms.get(channel)
            if room is None:
                return
            room.sockets.discard(socket)
            if not room.sockets:
                del self.rooms[channel]
                room.closed = True
                await self._pubsub.unsubscribe(channel)

    def occupied(self, room_id, at_ms: int, but: int) -> set[Tile]:
        """The tiles the others in the room stand on or are stepping onto."""
        room = self.rooms.get(frames_channel(room_id))
        return occupied_tiles(room.standing, at_ms, but) if room else set()

    def furniture(self, room_id) -> LiveFurniture | None:
        """This process's copy of the room's furniture (once a socket joined it)."""
        room = self.rooms.get(frames_channel(room_id))
        return room.furniture if room else None

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: redis-py reconnects and resubscribes on the next read
                log.exception("room fan-out: reading from Redis failed")
                await asyncio.sleep(0.5)
                continue
            room = self.rooms.get(message["channel"]) if message else None
            if room is None:
                continue
            if message["type"] == "subscribe":
                # Subscribed (again, after a reconnect): frames from now on arrive, so read the room.
                task = asyncio.create_task(room.seed())
                self._seeds.add(task)
                task.add_done_callback(self._seeds.discard)
            elif message["type"] == "message":
                try:
                    room.observe(orjson.loads(message["data"]))
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    # Not a frame this code published: it still goes out, it moves nobody here.
                    log.exception("room fan-out: an unreadable frame on %s", message["channel"])
                frame = Frame(message["data"])
                for socket in list(room.sockets):
                    try:
                        await socket.send_frame(frame)
                    except Exception:  # one broken socket must not starve the others
                        log.exception("room fan-out: a socket refused a frame")


fanout = per_loop(RoomFanout)
