"""One heartbeat per room and web process, for all its sockets in the room.

Every ROOM_HEARTBEAT_S the process marks its avatars in the room alive in
one script call (rooms.live), closes the sockets whose avatar was cleared or
taken over, and, if no other process has this interval, clears avatars whose
process stopped beating (rooms.presence.reap). A heartbeat task per socket
cost two Redis round trips per socket and interval: a tenth of a web
process's CPU with a thousand players (bench/README.md).
"""

import asyncio
import logging
from typing import Protocol

from django.conf import settings

from habbo.loops import per_loop
from rooms import presence
from rooms.live import LiveRoom

log = logging.getLogger(__name__)


class Beating(Protocol):
    room: "presence.LoadedRoom"

    async def gone(self) -> None:
        """Its avatar is no longer its own: close the socket."""


class Heartbeats:
    """This event loop's beating sockets: room id → socket → (user id, connection)."""

    def __init__(self):
        self.rooms: dict[str, dict[Beating, tuple[int, str]]] = {}
        self.tasks: dict[str, asyncio.Task] = {}

    def add(self, socket: Beating, user_id: int, conn: str) -> None:
        room_id = str(socket.room.id)
        self.rooms.setdefault(room_id, {})[socket] = (user_id, conn)
        if room_id not in self.tasks:
            self.tasks[room_id] = asyncio.create_task(self._beat(socket.room), name=f"heartbeat-{room_id}")

    def remove(self, socket: Beating) -> None:
        room_id = str(socket.room.id)
        members = self.rooms.get(room_id, {})
        members.pop(socket, None)
        if not members:
            self.rooms.pop(room_id, None)
            task = self.tasks.pop(room_id, None)
            if task and task is not asyncio.current_task():
                task.cancel()

    async def _beat(self, room: "presence.LoadedRoom") -> None:
        room_id, live = str(room.id), LiveRoom(room.id)
        while self.tasks.get(room_id) is asyncio.current_task():
            await asyncio.sleep(settings.ROOM_HEARTBEAT_S)
            members = dict(self.rooms.get(room_id, {}))
            if not members:
                continue
            try:
                gone = await live.heartbeat(list(members.values()))
                # By connection: a player's new socket in this room has the same user id.
                for socket, (_, conn) in members.items():
                    if conn in gone:
                        await socket.gone()
                if await live.claim_reaping(settings.ROOM_HEARTBEAT_S):
                    await presence.reap(room)
            except Exception:
                log.exception("room %s heartbeat failed", room_id)


heartbeats = per_loop(Heartbeats)
