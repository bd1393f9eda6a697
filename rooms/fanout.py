"""Room broadcasts, fanned out once per web process, and where everyone stands.

A broadcast is one Redis SPUBLISH (sharded pub/sub) of the JSON frame on
`room-frames:{room:<id>}`: on a Redis Cluster it stays on the room's shard.
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

A busy room sends once per tick (docs/protocol.md, "Batches"). Every frame
to every socket costs a write (a send() system call), so a room of 500 where
everyone walks every 3 s would cost 500 × 167 writes a second. A room is
busy while its frames of the last second times its sockets here pass
ROOM_BATCH_WRITES; then a frame that comes less than ROOM_TICK_MS after the
room's last send waits for the tick's end and goes out with the others of
that tick as one `batch`. Other rooms send each frame at once, as before:
batching adds up to a tick to a frame's way, which only a busy room gains from.
"""

import asyncio
import logging
import time
from typing import Protocol
from urllib.parse import urlsplit

import orjson
from channels.db import database_sync_to_async
from django.conf import settings
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

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
SHARD_CONNECT_TIMEOUT_S = 2
SEED_RETRY_S = 1


class Socket(Protocol):
    async def send_frame(self, frame: Frame) -> None: ...

    async def lost(self) -> None:
        """Its room's Redis node failed: close, so the client reconnects."""


async def broadcast(room_id, frame: frames.Frame) -> None:
    """Send `frame` to every socket in the room, in every process."""
    await redis().spublish(frames_channel(room_id), frames.frame_text(frame))


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
        self.clock = time.monotonic
        self.sent_at = float("-inf")  # when frames last went out
        self.batch: list[str] | None = None  # frames waiting for the tick's end
        self.flushing: asyncio.Task | None = None
        self.counted, self.counted_from = 0, float("-inf")  # frames since then
        self.rate = 0.0  # frames a second, over the last second or more

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

    async def deliver(self, text: str) -> None:
        """Send a frame to the room's sockets here: at once, or in a busy room
        that sent less than a tick ago, with the tick's other frames."""
        now, tick = self.clock(), settings.ROOM_TICK_MS / 1000
        busy = self._busy(now)
        if self.batch is not None:
            self.batch.append(text)
            return
        if busy and now - self.sent_at < tick:
            self.batch = [text]
            self.flushing = asyncio.create_task(self._flush(self.sent_at + tick - now))
            return
        self.sent_at = now
        await self._send(Frame(text))

    def _busy(self, now: float) -> bool:
        """Counts the frame; whether the room's writes a second here pass ROOM_BATCH_WRITES."""
        if now - self.counted_from >= 1:
            self.rate = self.counted / (now - self.counted_from)
            self.counted, self.counted_from = 0, now
        self.counted += 1
        return self.rate * len(self.sockets) >= settings.ROOM_BATCH_WRITES

    async def _flush(self, delay: float) -> None:
        await asyncio.sleep(delay)
        texts, self.batch = self.batch, None
        self.sent_at = self.clock()
        await self._send(Frame(frames.batch_text(texts) if len(texts) > 1 else texts[0]))

    async def _send(self, frame: Frame) -> None:
        for socket in list(self.sockets):
            try:
                await socket.send_frame(frame)
            except Exception:  # one broken socket must not starve the others
                log.exception("room fan-out: a socket refused a frame")

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


class RoomLost(TimeoutError):
    """The room's Redis node failed while the socket waited to join it."""


class _Shard:
    """The subscriptions on one Redis node: the whole Redis, or on a Redis
    Cluster the master of the rooms' slots (SSUBSCRIBE is served there)."""

    def __init__(self, url: str):
        # No retries and a short connect timeout: a dead node must fail fast,
        # joins and leaves of rooms on other nodes wait behind it (the lock).
        self.client = aioredis.Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=SHARD_CONNECT_TIMEOUT_S, retry=Retry(NoBackoff(), 0)
        )
        self.pubsub = self.client.pubsub()
        self.channels: set[str] = set()
        self.reader: asyncio.Task | None = None

    async def close(self) -> None:
        try:
            await self.pubsub.aclose()
            await self.client.aclose()
        except Exception:  # the node is gone already
            pass


async def node_url(channel: str) -> str:
    """The Redis URL serving `channel`'s slot: REDIS_URL's own node, or on a
    cluster the master the client's slot map names."""
    if not settings.REDIS_CLUSTER:
        return settings.REDIS_URL
    client = redis()
    await client.initialize()  # reads the slot map once, before the first command
    node = client.get_node_from_key(channel)
    return urlsplit(settings.REDIS_URL)._replace(netloc=_netloc(node.host, node.port)).geturl()


def _netloc(host: str, port: int) -> str:
    url = urlsplit(settings.REDIS_URL)
    credentials = url.netloc.rpartition("@")[0]
    host = f"[{host}]" if ":" in host else host  # an IPv6 address
    return f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"


async def _read_slot_map() -> None:
    """Read where the slots are now (after a node failed), if a node answers."""
    if settings.REDIS_CLUSTER:
        try:
            await redis().nodes_manager.initialize()
        except Exception:
            log.warning("room fan-out: the cluster's slot map could not be read yet", exc_info=True)


class RoomFanout:
    """This event loop's subscriptions: room channel → the local room, over
    a subscription per Redis node (rooms on one node share it).

    When a node's connection fails, the rooms on it go: their sockets are
    closed to reconnect (rooms.consumers), and enter again on whichever
    node serves the room by then (a replica promoted on a cluster). Rooms on
    other nodes notice nothing. So does a room whose slot the node gave up
    (Redis ends its subscription: a slot moved, or a failover by hand)."""

    def __init__(self):
        self.rooms: dict[str, LocalRoom] = {}
        self._lock = asyncio.Lock()
        self._shards: dict[str, _Shard] = {}  # node URL → its subscriptions
        self._shard_of: dict[str, _Shard] = {}  # channel → its node's
        self._seeds: set[asyncio.Task] = set()

    async def join(self, room_id, socket: Socket) -> None:
        """Add the socket; returns once the room's standing is known here.
        Raises TimeoutError (RoomLost: its Redis node failed meanwhile)."""
        channel = frames_channel(room_id)
        async with self._lock:
            room = self.rooms.get(channel)
            if room is None:
                # In the map before subscribing: the confirmation starts its first read.
                room = self.rooms[channel] = LocalRoom(room_id)
                try:
                    await self._subscribe(channel)
                except BaseException:
                    del self.rooms[channel]
                    raise
            room.sockets.add(socket)
        try:
            async with asyncio.timeout(SEED_TIMEOUT_S):
                await room.seeded.wait()
            if room.closed:
                raise RoomLost
        except BaseException:
            await self.leave(room_id, socket)
            raise

    async def _subscribe(self, channel: str) -> None:
        url = await node_url(channel)
        shard = self._shards.get(url)
        if shard is None:
            shard = self._shards[url] = _Shard(url)
        try:
            await shard.pubsub.ssubscribe(channel)
        except BaseException:
            if not shard.channels:
                await self._drop(shard)
            await _read_slot_map()  # the node may be gone: the next try asks the right one
            raise
        shard.channels.add(channel)
        self._shard_of[channel] = shard
        if shard.reader is None or shard.reader.done():
            shard.reader = asyncio.create_task(self._read(shard), name=f"room-fanout {url}")

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
                shard = self._shard_of.pop(channel, None)
                if shard is not None:
                    shard.channels.discard(channel)
                    try:
                        await shard.pubsub.sunsubscribe(channel)
                    except Exception:  # a failed node's connection holds no subscription
                        log.warning("room fan-out: unsubscribing from %s failed", channel, exc_info=True)

    def occupied(self, room_id, at_ms: int, but: int) -> set[Tile]:
        """The tiles the others in the room stand on or are stepping onto."""
        room = self.rooms.get(frames_channel(room_id))
        return occupied_tiles(room.standing, at_ms, but) if room else set()

    def furniture(self, room_id) -> LiveFurniture | None:
        """This process's copy of the room's furniture (once a socket joined it)."""
        room = self.rooms.get(frames_channel(room_id))
        return room.furniture if room else None

    async def _read(self, shard: _Shard) -> None:
        while True:
            try:
                message = await shard.pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("room fan-out: the Redis node of %d rooms failed; their sockets reconnect",
                            len(shard.channels), exc_info=True)
                await self._lose(shard)
                return
            room = self.rooms.get(message["channel"]) if message else None
            if room is None:
                continue
            if message["type"] == "ssubscribe":
                # Subscribed: frames from now on arrive, so read the room.
                task = asyncio.create_task(room.seed())
                self._seeds.add(task)
                task.add_done_callback(self._seeds.discard)
            elif message["type"] == "sunsubscribe" and message["channel"] in shard.channels:
                # Not asked for (leave() forgets the channel first): the node gave the slot up.
                log.warning("room fan-out: Redis ended the subscription to %s; its sockets reconnect",
                            message["channel"])
                await self._lose(shard, [message["channel"]])
            elif message["type"] == "smessage":
                try:
                    room.observe(orjson.loads(message["data"]))
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    # Not a frame this code published: it still goes out, it moves nobody here.
                    log.exception("room fan-out: an unreadable frame on %s", message["channel"])
                await room.deliver(message["data"])

    async def _lose(self, shard: _Shard, channels: list[str] | None = None) -> None:
        """The frames of these channels (None: all the node's, which failed)
        may have been missed and their rooms may have moved: the rooms'
        sockets go, to come back through join()."""
        async with self._lock:
            gone = [channel for channel in (shard.channels if channels is None else channels)
                    if channel in shard.channels]
            lost = [self.rooms.pop(channel) for channel in gone if channel in self.rooms]
            for channel in gone:
                self._shard_of.pop(channel, None)
                shard.channels.discard(channel)
            if channels is None:
                await self._drop(shard)
        await _read_slot_map()  # for the sockets coming back
        for room in lost:
            room.closed = True
            room.seeded.set()  # sockets still waiting to join give up at once (RoomLost)
            for socket in list(room.sockets):
                try:
                    await socket.lost()
                except Exception:
                    log.exception("room fan-out: closing a socket of a lost room failed")

    async def _drop(self, shard: _Shard) -> None:
        for url, known in list(self._shards.items()):
            if known is shard:
                del self._shards[url]
        await shard.close()


fanout = per_loop(RoomFanout)
