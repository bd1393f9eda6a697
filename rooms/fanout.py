"""Room broadcasts, fanned out once per web process.

A broadcast is one Redis PUBLISH of the JSON frame on `room-frames:<id>`.
Each web process subscribes once for every room it has sockets in, and
hands each frame to its sockets of that room, framed once for all of them
(habbo.direct_frames). Through the channel layer, every receiving socket
cost a queue, a task wake-up and a consumer dispatch; those were most of the
CPU per delivered message (bench/README.md).
"""

import asyncio
import logging
import weakref
from typing import Protocol

import orjson
from django.conf import settings
from redis import asyncio as aioredis

from habbo.direct_frames import Frame
from habbo.redis import redis

log = logging.getLogger(__name__)


class Socket(Protocol):
    async def send_frame(self, frame: Frame) -> None: ...


def frames_channel(room_id) -> str:
    return f"room-frames:{room_id}"


async def broadcast(room_id, payload: dict) -> None:
    """Send `payload` to every socket in the room, in every process."""
    await redis().publish(frames_channel(room_id), orjson.dumps(payload).decode())


class RoomFanout:
    """This event loop's subscriptions: room channel → the local sockets."""

    def __init__(self):
        self.sockets: dict[str, set[Socket]] = {}
        self._lock = asyncio.Lock()
        self._client = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._reader: asyncio.Task | None = None

    async def join(self, room_id, socket: Socket) -> None:
        channel = frames_channel(room_id)
        async with self._lock:
            if channel not in self.sockets:
                await self._pubsub.subscribe(channel)
                self.sockets[channel] = set()
                if self._reader is None:
                    self._reader = asyncio.create_task(self._read(), name="room-fanout")
            self.sockets[channel].add(socket)

    async def leave(self, room_id, socket: Socket) -> None:
        channel = frames_channel(room_id)
        async with self._lock:
            members = self.sockets.get(channel)
            if members is None:
                return
            members.discard(socket)
            if not members:
                del self.sockets[channel]
                await self._pubsub.unsubscribe(channel)

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
            if message is None or message["type"] != "message":
                continue
            frame = Frame(message["data"])
            for socket in list(self.sockets.get(message["channel"], ())):
                try:
                    await socket.send_frame(frame)
                except Exception:  # one broken socket must not starve the others
                    log.exception("room fan-out: a socket refused a frame")


_fanouts: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomFanout]" = weakref.WeakKeyDictionary()


def fanout() -> RoomFanout:
    """One per event loop (tests run several loops in one process)."""
    loop = asyncio.get_running_loop()
    if loop not in _fanouts:
        _fanouts[loop] = RoomFanout()
    return _fanouts[loop]
