"""What a real Daphne does with a client frame over 16 KiB (docs/protocol.md):
it drops the TCP connection without a close frame (a client sees 1006), and
the avatar leaves the room."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from conftest import session_cookie
from habbo.sockets import CLIENT_MESSAGE_MAX
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def say_of_size(size: int) -> str:
    """A say message of exactly `size` bytes, sent as one frame."""
    frame = json.dumps({"type": "say", "text": ""})
    return json.dumps({"type": "say", "text": "x" * (size - len(frame))})


async def next_of(socket, type_: str, where=lambda message: True) -> dict:
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == type_ and where(message):
                return message


def test_a_frame_over_16_kib_drops_the_connection_and_the_avatar_leaves(daphne_server, make_player):
    server = daphne_server()
    room = Room.objects.create(owner=make_player(), name="Big frames", floor_plan="0000\n0000", door_x=0, door_y=0)
    alice, bob = make_player("alice"), make_player("bob")
    cookies = {player: session_cookie(player) for player in (alice, bob)}

    def open_socket(player):
        return connect(f"{server.ws_url}/ws/rooms/{room.pk}/", origin=server.url, open_timeout=10,
                       additional_headers={"Cookie": f"sessionid={cookies[player]}"})

    async def scenario():
        async with open_socket(alice) as watcher, open_socket(bob) as sender:
            await next_of(sender, "snapshot")
            await next_of(watcher, "user_entered", where=lambda m: m["user"]["id"] == bob.pk)

            await sender.send(say_of_size(CLIENT_MESSAGE_MAX))  # the limit itself is allowed: a schema error
            assert (await next_of(sender, "error"))["code"] == "invalid"

            await sender.send(say_of_size(CLIENT_MESSAGE_MAX + 1))
            with pytest.raises(ConnectionClosed) as closed:
                while True:  # frames already on their way come first
                    await asyncio.wait_for(sender.recv(), 10)
            assert closed.value.rcvd is None, "no close frame: the connection is dropped, a browser reports 1006"
            assert (await next_of(watcher, "user_left"))["user"] == bob.pk

    asyncio.run(scenario())
