"""The walk relay the stock Channels way (bench/README.md, "Peers"): one
AsyncJsonWebsocketConsumer per socket, each room a group, every walk one
group_send through channels_redis. Settings: bench/peers/channels_settings.py.

    DJANGO_SETTINGS_MODULE=channels_settings PEER_LAYER=core|pubsub \\
        daphne -b 127.0.0.1 -p PORT channels_relay:application   (from bench/peers/)

The protocol subset of the rooms benchmark (bench/roomsload): the `sessionid`
cookie IS the user id (no sessions, database or live state), the first
message is {"type": "snapshot", "you": <id>}, and {"type": "walk", "x", "y"}
reaches everyone in the room as {"type": "walk", "user": <id>, "x", "y"}.
"""

import json

import django

django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402
from django.urls import path  # noqa: E402


class WalkRelay(AsyncJsonWebsocketConsumer):
    async def connect(self):
        try:
            self.user = int(self.scope["cookies"]["sessionid"])
        except (KeyError, ValueError):
            await self.close(4401)
            return
        self.group = f"room.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "snapshot", "you": self.user})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "walk":
            await self.channel_layer.group_send(
                self.group, {"type": "room.walk", "user": self.user, "x": content.get("x"), "y": content.get("y")}
            )

    async def room_walk(self, event):
        await self.send_json({"type": "walk", "user": event["user"], "x": event["x"], "y": event["y"]})

    # Compact, as the hotel writes its frames: the load generator reads a walk's
    # sender from the frame's first bytes when they are {"type":"walk","user":
    # and decodes the whole frame otherwise, on the cores the server shares.
    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, separators=(",", ":"))


application = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            CookieMiddleware(URLRouter([path("ws/rooms/<str:room>/", WalkRelay.as_asgi())]))
        ),
    }
)
