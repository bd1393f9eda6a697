"""Furniture in rooms end to end: two real daphne processes, the furniture
consumer as a subprocess, real Kafka, Redis and PostgreSQL. A change is
seen on the other process only once it is durable (applied by the consumer)."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect as ws_connect

from conftest import room_socket, session_cookie, wait_for
from habbo.bus.producer import publish
from habbo.bus.topics import ROOM_EVENTS
from rooms.events import FurniPlaced, RightsChanged
from rooms.models import Furni, Item, Room, RoomRight
from rooms.tests.test_rooms_across_processes import next_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(make_player):
    return Room.objects.create(
        owner=make_player("alice"), name="Furnished room", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=0
    )


@pytest.fixture
def chair_item(db):
    return Item.objects.create(name="Test chair", look="chair", height=45, can_sit=True, colour="#b91c1c")


def hotel_socket(server, cookie: str):
    """The hotel socket, where a player's notices (inventory, refusals) arrive."""
    return ws_connect(f"{server.ws_url}/ws/hotel/", origin=server.url, additional_headers={"Cookie": f"sessionid={cookie}"})


async def say(socket, **message):
    await socket.send(json.dumps(message))


async def refused(socket, code: str) -> dict:
    error = await next_of(socket, "error")
    assert error["code"] == code, error
    return error


def test_placing_moving_and_picking_up_is_seen_on_another_process(
    daphne_server, consumer_process, room, make_player, chair_item
):
    one, two = daphne_server(), daphne_server()
    consumer_process("furniture")
    alice, bob = room.owner, make_player("bob")
    chair = Furni.objects.create(item=chair_item, owner=alice)
    bobs = Furni.objects.create(item=chair_item, owner=bob)
    alice_cookie, bob_cookie, carol_cookie = (session_cookie(p) for p in (alice, bob, make_player("carol")))

    async def scenario():
        async with (
            room_socket(one, room, alice_cookie) as a,
            hotel_socket(one, alice_cookie) as a_notices,
            room_socket(two, room, bob_cookie) as b,
            hotel_socket(two, bob_cookie) as b_notices,
        ):
            snapshot = await next_of(b, "snapshot")
            assert (snapshot["room"]["owner"], snapshot["rights"], snapshot["furniture"]) == (alice.pk, [], [])
            await next_of(a, "snapshot")

            await say(a, type="place", furni=chair.pk, x=3, y=2, rotation=2)
            added = (await next_of(b, "furni_added", timeout=20))["piece"]
            assert (added["id"], added["owner"], added["x"], added["y"], added["z"], added["rotation"]) == (
                chair.pk, alice.pk, 3, 2, 0, 2
            )
            assert (await next_of(a_notices, "inventory.changed"))["removed"] == [chair.pk]

            # Bob has no rights yet; and nobody places what is not theirs or where it does not fit.
            await say(b, type="place", furni=bobs.pk, x=1, y=1, rotation=0)
            assert "rights" in (await refused(b, "no_rights"))["message"]
            await say(a, type="place", furni=bobs.pk, x=1, y=1, rotation=0)
            await refused(a, "not_in_inventory")
            await say(a, type="move", furni=chair.pk, x=9, y=9, rotation=0)
            await refused(a, "outside_plan")
            await say(b, type="rights", user=bob.pk, granted=True)
            await refused(b, "not_owner")

            await say(a, type="rights", user=bob.pk, granted=True)
            assert (await next_of(b, "rights_changed", timeout=20))["granted"] is True
            await say(b, type="place", furni=bobs.pk, x=1, y=2, rotation=0)
            assert (await next_of(a, "furni_added", timeout=20))["piece"]["owner"] == bob.pk
            # Bob moves his own piece but not Alice's; the owner turns hers.
            await say(b, type="move", furni=chair.pk, x=4, y=4, rotation=0)
            await refused(b, "not_yours")
            await say(a, type="move", furni=chair.pk, x=3, y=2, rotation=4)
            assert (await next_of(b, "furni_moved", timeout=20))["piece"]["rotation"] == 4

            # The owner ejects Bob's piece: it goes back to Bob's inventory.
            await say(a, type="pickup", furni=bobs.pk)
            assert (await next_of(b, "furni_removed", timeout=20))["furni"] == bobs.pk
            returned = await next_of(b_notices, "inventory.changed", where=lambda m: m["added"])
            assert [card["id"] for card in returned["added"]] == [bobs.pk]

        async with room_socket(two, room, carol_cookie) as c:
            late = await next_of(c, "snapshot")
            assert [(p["id"], p["rotation"]) for p in late["furniture"]] == [(chair.pk, 4)]
            assert late["rights"] == [bob.pk] and late["furni_seq"] == 5

    asyncio.run(scenario())
    chair.refresh_from_db()
    bobs.refresh_from_db()
    assert (chair.room_id, chair.x, chair.y, chair.rotation) == (room.pk, 3, 2, 4)
    assert (bobs.room_id, bobs.owner_id) == (None, bob.pk)
    assert RoomRight.objects.filter(room=room, user=bob).exists()


def test_two_players_on_one_tile_at_once_one_wins_the_other_is_told(
    daphne_server, consumer_process, room, make_player, chair_item
):
    one, two = daphne_server(), daphne_server()
    consumer_process("furniture")
    alice, bob = room.owner, make_player("bob")
    RoomRight.objects.create(room=room, user=bob)
    pieces = {player.pk: Furni.objects.create(item=chair_item, owner=player) for player in (alice, bob)}
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario() -> list[dict]:
        async with (
            room_socket(one, room, alice_cookie) as a,
            hotel_socket(one, alice_cookie) as a_notices,
            room_socket(two, room, bob_cookie) as b,
            hotel_socket(two, bob_cookie) as b_notices,
        ):
            await next_of(a, "snapshot")
            await next_of(b, "snapshot")
            await asyncio.gather(
                say(a, type="place", furni=pieces[alice.pk].pk, x=2, y=2, rotation=0),
                say(b, type="place", furni=pieces[bob.pk].pk, x=2, y=2, rotation=0),
            )
            added = await next_of(a, "furni_added", timeout=20)
            loser = b if added["piece"]["owner"] == alice.pk else a
            loser_notices = b_notices if loser is b else a_notices
            # Refused at once by the web process, if the winner's piece had
            # reached it; otherwise by the consumer, told on the hotel socket.
            answers = await asyncio.wait(
                [asyncio.create_task(next_of(loser, "error", timeout=20)),
                 asyncio.create_task(next_of(loser_notices, "furni.refused", timeout=20))],
                return_when=asyncio.FIRST_COMPLETED,
            )
            refusal = next(iter(answers[0])).result()
            for pending in answers[1]:
                pending.cancel()
            return [added, refusal]

    added, refusal = asyncio.run(scenario())
    assert refusal.get("reason", refusal.get("code")) == "cannot_stack"
    assert "top" in refusal["message"]
    in_room = list(Furni.objects.filter(room=room))
    assert [(f.pk, f.x, f.y) for f in in_room] == [(added["piece"]["id"], 2, 2)]
    loser = next(f for f in pieces.values() if f.pk != added["piece"]["id"])
    loser.refresh_from_db()
    assert loser.room_id is None


@pytest.mark.durable
def test_forged_furniture_events_are_dead_lettered(kafka, consumer_process, room, make_player, chair_item):
    alice, mallory = room.owner, make_player("mallory")
    chair = Furni.objects.create(item=chair_item, owner=alice)
    # Mallory places Alice's chair in Alice's name, and gives herself rights.
    publish(FurniPlaced(room_id=room.pk, user_id=alice.pk, furni_id=chair.pk, x=1, y=1, rotation=0), actor=mallory.pk)
    publish(RightsChanged(room_id=room.pk, user_id=mallory.pk, granted=True), actor=mallory.pk)
    # A marker, applied after both.
    publish(RightsChanged(room_id=room.pk, user_id=mallory.pk, granted=False), actor=alice.pk)
    consumer_process("furniture")
    wait_for(lambda: kafka.end_offsets(ROOM_EVENTS.dlq_name) == 2, what="both forgeries dead-lettered")
    wait_for(lambda: kafka.committed("furniture", ROOM_EVENTS.full_name) == 3, what="the marker applied")
    chair.refresh_from_db()
    assert chair.room_id is None
    assert not RoomRight.objects.exists()
