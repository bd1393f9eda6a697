"""The owner's room settings and who may enter: settings through Kafka (the
rooms consumer applies them and tells the room and the owner), a locked room,
and a doorbell room (ringing once, answering once, the visit's pass), over
the real Redis channel layer and live state."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from conftest import wait_for
from habbo.bus.producer import publish
from habbo.bus.topics import ROOM_EVENTS
from habbo.consumers import HotelConsumer
from rooms.events import RoomSettingsChanged
from rooms.models import Room, RoomRight
from rooms.tests.test_room_socket import PLAN, Player, joined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kafka", "thread_connections_closed")]

SETTINGS = {
    "name": "Sunset lounge", "description": "Come in", "capacity": 40, "access": "open", "is_public": False,
    "wallpaper": "#335577", "floor": "#aa8844",
}


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Settings room", floor_plan=PLAN, door_x=0, door_y=0, capacity=10)


def save(user, room, body) -> tuple[int, dict]:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("room_settings", args=[room.pk]), json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


async def test_the_owner_saves_settings_and_everyone_inside_sees_them(make_player, room, consumer_process, clean_redis):
    visitor = await joined(make_player, room, "visitor")
    owner_pages = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    owner_pages.scope["user"] = room.owner
    assert (await owner_pages.connect())[0]
    await sync_to_async(consumer_process)("rooms")

    status, answer = await sync_to_async(save)(visitor.user, room, SETTINGS)
    assert (status, answer["message"]) == (403, "Only the room's owner can change its settings.")
    status, answer = await sync_to_async(save)(room.owner, room, SETTINGS | {"capacity": 5})
    assert (status, answer["message"]) == (400, "A room holds 10 to 500 players.")
    status, answer = await sync_to_async(save)(room.owner, room, SETTINGS | {"access": "ajar"})
    assert (status, answer["message"]) == (400, "Pick open, doorbell or locked.")
    assert await sync_to_async(save)(room.owner, room, SETTINGS) == (202, {"status": "saving"})

    updated = await visitor.next("room_updated", timeout=30)
    assert updated["room"] == SETTINGS
    while (notice := await owner_pages.receive_json_from(timeout=10))["type"] != "room.settings_saved":
        pass
    assert notice["room"]["name"] == "Sunset lounge"
    saved = await Room.objects.aget(pk=room.pk)
    assert (saved.name, saved.capacity, saved.access, saved.is_public, saved.wallpaper) == (
        "Sunset lounge", 40, "open", False, "#335577"
    )
    await owner_pages.disconnect()


def test_a_forged_change_by_someone_else_is_dead_lettered(make_player, room, consumer_process, kafka):
    mallory = make_player("mallory")
    publish(RoomSettingsChanged(room_id=room.pk, **SETTINGS), actor=mallory.pk)
    consumer_process("rooms")
    wait_for(lambda: kafka.end_offsets(ROOM_EVENTS.dlq_name) == 1, what="the forgery dead-lettered")
    assert Room.objects.get(pk=room.pk).name == "Settings room"


async def set_access(room, access: str) -> None:
    """As the hotel changes it, with a save: each web process's copy of the room goes (rooms.presence)."""
    room.access = access
    await room.asave(update_fields=["access"])


async def test_a_locked_room_lets_in_only_its_owner_and_those_with_rights(make_player, room, clean_redis):
    await set_access(room, "locked")
    friend = await sync_to_async(make_player)("friend")
    await RoomRight.objects.acreate(room=room, user=friend)
    stranger = Player(await sync_to_async(make_player)("stranger"), room)
    connected, _ = await stranger.socket.connect()
    assert connected
    assert await stranger.closed_with() == (4423, "the room is locked")
    for user in (room.owner, friend):
        snapshot = await Player(user, room).connect()
        assert snapshot["type"] == "snapshot"


async def test_a_doorbell_rings_inside_and_a_yes_lets_the_visitor_in(make_player, room, clean_redis):
    await set_access(room, "doorbell")
    visitor_user = await sync_to_async(make_player)("visitor")

    # Nobody inside to answer: the visitor is told so at once.
    alone = Player(visitor_user, room)
    await alone.socket.connect()
    assert await alone.closed_with() == (4425, "nobody is in to answer the doorbell")

    # A bystander came in while the room was open.
    await set_access(room, "open")
    bystander = await joined(make_player, room, "bystander")
    await set_access(room, "doorbell")
    owner = Player(room.owner, room)
    await owner.connect()
    visitor_pages = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    visitor_pages.scope["user"] = visitor_user
    assert (await visitor_pages.connect())[0]

    ringing = Player(visitor_user, room)
    await ringing.socket.connect()
    assert await ringing.closed_with() == (4424, "you rang the doorbell; wait for an answer")
    ring = await owner.next("doorbell")
    assert ring == {"type": "doorbell", "user": visitor_user.pk, "name": "visitor"}
    # Ringing again while waiting rings nobody twice.
    again = Player(visitor_user, room)
    await again.socket.connect()
    assert (await again.closed_with())[0] == 4424
    assert [m["type"] for m in await owner.before_my_wave(bystander)].count("doorbell") == 0

    # Only those with rights answer, and only someone at the door.
    await bystander.send({"type": "doorbell_answer", "user": visitor_user.pk, "let_in": True})
    assert (await bystander.next("error"))["code"] == "no_rights"
    await owner.send({"type": "doorbell_answer", "user": bystander.user.pk, "let_in": True})
    assert (await owner.next("error"))["code"] == "not_ringing"
    await owner.send({"type": "doorbell_answer", "user": visitor_user.pk, "let_in": True})
    assert (await bystander.next("doorbell_answered")) == {
        "type": "doorbell_answered", "user": visitor_user.pk, "let_in": True
    }
    while (notice := await visitor_pages.receive_json_from(timeout=10))["type"] != "doorbell.answered":
        pass
    assert notice["let_in"] is True and notice["room"]["id"] == str(room.pk)
    await owner.send({"type": "doorbell_answer", "user": visitor_user.pk, "let_in": False})
    assert (await owner.next("error"))["code"] == "not_ringing", "a ring is answered once"

    # Let in, the visitor comes and goes (a reconnect, another window) without ringing.
    inside = Player(visitor_user, room)
    assert (await inside.connect())["type"] == "snapshot"
    second_window = Player(visitor_user, room)
    assert (await second_window.connect())["type"] == "snapshot"
    assert (await inside.closed_with())[0] == 4409
    await second_window.socket.disconnect()
    back = Player(visitor_user, room)
    assert (await back.connect())["type"] == "snapshot"
    await visitor_pages.disconnect()
