"""Friends see where a player is: the hotel and room sockets tell the core
(habbo.presence.presence_changed), and the friends app, listening, pushes
`friend.presence` to each friend. Real Redis (channel layer), Kafka and PostgreSQL."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from friends.models import Friendship
from habbo.bus.push import NOTICE_KINDS
from habbo.routing import websocket_urlpatterns
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def socket(user, path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def next_presence(hotel: WebsocketCommunicator) -> dict:
    while True:
        message = await hotel.receive_json_from(timeout=10)
        kind, fields = message.pop("type"), message
        NOTICE_KINDS[kind].model_validate(fields)  # as declared, nothing more
        if kind == "friend.presence":
            return fields["friend"]


async def test_a_friend_sees_a_player_come_online_enter_a_room_and_leave_it(kafka, make_player, thread_connections_closed):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    low, high = sorted([alice, bob], key=lambda u: u.pk)
    await Friendship.objects.acreate(user_low=low, user_high=high)
    room = await Room.objects.acreate(owner=alice, name="Lobby", floor_plan="000\n000", door_x=0, door_y=0)

    alice_hotel = socket(alice, "/ws/hotel/")
    assert (await alice_hotel.connect())[0]
    bob_hotel = socket(bob, "/ws/hotel/")
    assert (await bob_hotel.connect())[0]
    assert await next_presence(alice_hotel) == {"id": bob.pk, "online": True, "room": None}

    bob_room = socket(bob, f"/ws/rooms/{room.pk}/")
    assert (await bob_room.connect())[0]
    seen = await next_presence(alice_hotel)
    assert (seen["id"], seen["room"]["id"], seen["room"]["name"]) == (bob.pk, str(room.pk), "Lobby")

    await bob_room.disconnect()
    assert await next_presence(alice_hotel) == {"id": bob.pk, "online": True, "room": None}
    await bob_hotel.disconnect()
    assert await next_presence(alice_hotel) == {"id": bob.pk, "online": False, "room": None}
    await alice_hotel.disconnect()
