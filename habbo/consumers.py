"""The hotel socket: one per open page, carrying pushes to `user.<id>`;
while one is open, the player is online."""

import asyncio
import uuid

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from habbo import presence, restrictions
from habbo.bus.push import user_group
from habbo.sockets import SmallClientMessages, WithoutDbHopPerMessage

CLOSE_NOT_LOGGED_IN = 4401
READ_ONLY = "This connection only brings you news from the hotel; nothing can be sent on it."


class HotelConsumer(SmallClientMessages, WithoutDbHopPerMessage, AsyncJsonWebsocketConsumer):
    async def connect(self):
        # Accept first: a close code and reason can only be sent on an open socket.
        await self.accept()
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_NOT_LOGGED_IN, reason="log in first")
            return
        if restrictions.banned_now(user):
            return await self._banned(restrictions.ban_sentence(user))
        self.group = user_group(user.pk)
        self.conn = uuid.uuid4().hex
        await self.channel_layer.group_add(self.group, self.channel_name)
        await presence.mark_online(user.pk, self.conn)
        await presence.changed(user.pk)
        self.renewal = asyncio.create_task(self._stay_online(user.pk))

    async def _stay_online(self, user_id: int):
        while True:
            await asyncio.sleep(presence.ONLINE_TTL_S / 3)
            await presence.mark_online(user_id, self.conn)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            self.renewal.cancel()
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await presence.mark_offline(self.scope["user"].pk, self.conn)
            await presence.changed(self.scope["user"].pk)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "code": "read_only", "message": READ_ONLY})

    async def sanction_close(self, message):
        """A ban (habbo.restrictions.close_sockets_on_commit): every page's socket closes."""
        await self._banned(message["reason"])

    async def _banned(self, sentence: str):
        """The sentence first: a close reason holds 123 bytes."""
        await self.send_json({"type": "moderation.banned", "message": sentence})
        await self.close(code=restrictions.CLOSE_BANNED, reason="banned")

    async def user_notify(self, message):
        """A durable event for this player: forwarded as {"type": kind, ...data}."""
        await self.send_json({"type": message["kind"], **message["data"]})
