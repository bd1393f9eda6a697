"""New looks and dancing in a room, through the real room socket, Redis live
state and pub/sub (Kafka for entering): what one player does, the others see
at once, and whoever enters later sees it too."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from habbo import palettes
from rooms.live import LiveRoom
from rooms.models import Room
from rooms.tests.test_room_socket import PLAN, Player, joined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kafka", "thread_connections_closed")]

NEW_LOOKS = {
    "hair_style": "bun", "hair": palettes.HAIR[4], "skin": palettes.SKIN[3], "shirt": palettes.CLOTHES[9],
    "legs": palettes.CLOTHES[6], "shoes": palettes.SHOES[3], "motto": "Dancing on the roof",
}
NEW_FIGURE = {key: value for key, value in NEW_LOOKS.items() if key != "motto"}


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Disco", floor_plan=PLAN, door_x=0, door_y=0, capacity=10)


@sync_to_async
def save_looks(user, looks) -> int:
    client = Client()
    client.force_login(user)
    return client.post("/profile/looks", json.dumps(looks), content_type="application/json").status_code


def seen(snapshot: dict, user) -> dict:
    return next(a for a in snapshot["avatars"] if a["id"] == user.pk)


async def test_new_looks_reach_everyone_in_the_room_at_once(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    assert await save_looks(alice.user, NEW_LOOKS) == 200
    for player in (bob, alice):
        changed = await player.next("look_changed")
        assert changed == {"type": "look_changed", "user": alice.user.pk, "figure": NEW_FIGURE,
                           "motto": "Dancing on the roof"}
    # The avatar itself took them: a newcomer sees them, and a walk keeps them.
    carol = Player(await sync_to_async(make_player)("carol"), room)
    assert seen(await carol.connect(), alice.user)["figure"] == NEW_FIGURE
    await alice.send({"type": "walk", "x": 3, "y": 3})
    await bob.next("walk", where=lambda m: m["user"] == alice.user.pk)
    stored = await LiveRoom(room.pk).get(alice.user.pk)
    assert (stored.figure, stored.motto, stored.path[-1]) == (NEW_FIGURE, "Dancing on the roof", (3, 3))
    for player in (alice, bob, carol):
        await player.socket.disconnect()


async def test_refused_looks_show_nothing_in_the_room(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    assert await save_looks(alice.user, NEW_LOOKS | {"shirt": "#123456"}) == 400
    # Whatever alice's refused looks caused would arrive before her wave.
    assert "look_changed" not in [m["type"] for m in await bob.before_my_wave(alice)]
    stored = await LiveRoom(room.pk).get(alice.user.pk)
    assert stored.figure == alice.user.figure and stored.figure["shirt"] != "#123456"
    await alice.socket.disconnect()
    await bob.socket.disconnect()


async def test_a_dance_is_seen_kept_for_newcomers_and_ended_by_a_walk(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    await alice.send({"type": "dance", "style": 3})
    assert await bob.next("dance") == {"type": "dance", "user": alice.user.pk, "style": 3}
    carol = Player(await sync_to_async(make_player)("carol"), room)
    assert seen(await carol.connect(), alice.user)["dance"] == 3

    await alice.send({"type": "walk", "x": 2, "y": 1})
    await bob.next("walk", where=lambda m: m["user"] == alice.user.pk)
    assert (await LiveRoom(room.pk).get(alice.user.pk)).dance == 0
    dave = Player(await sync_to_async(make_player)("dave"), room)
    assert seen(await dave.connect(), alice.user)["dance"] == 0

    await alice.send({"type": "dance", "style": 1})
    assert (await bob.next("dance"))["style"] == 1
    await alice.send({"type": "dance", "style": 0})
    assert (await bob.next("dance"))["style"] == 0
    assert (await LiveRoom(room.pk).get(alice.user.pk)).dance == 0
    for player in (alice, bob, carol, dave):
        await player.socket.disconnect()


@pytest.mark.parametrize("message", [{"type": "dance", "style": 5}, {"type": "dance", "style": "2"}, {"type": "dance"}])
async def test_a_dance_that_does_not_exist_is_refused(make_player, room, clean_redis, message):
    alice = await joined(make_player, room, "alice")
    await alice.send(message)
    error = await alice.next("error")
    assert (error["code"], error["message"]) == ("invalid", "Pick one of the dances.")
    assert (await LiveRoom(room.pk).get(alice.user.pk)).dance == 0
    await alice.socket.disconnect()
