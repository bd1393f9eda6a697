"""Kafka down: a placement and a trade's swap are refused in player words,
and nothing changes (the room socket in-process, real Redis and Kafka)."""

import pytest
from asgiref.sync import sync_to_async

from conftest import kafka_stopped
from rooms.models import Furni, Item, Room, Trade
from rooms.tests.test_room_socket import PLAN, Player, joined
from rooms.tests.trades import both_accepted, seen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kafka", "thread_connections_closed")]


@pytest.mark.kafka_outage
async def test_kafka_down_no_placement_and_no_swap(make_player, clean_redis):
    owner = await sync_to_async(make_player)("alice")
    room = await Room.objects.acreate(owner=owner, name="Outage room", floor_plan=PLAN, door_x=0, door_y=0)
    alice = Player(owner, room)
    await alice.connect()
    bob = await joined(make_player, room, "bob")
    item = await Item.objects.acreate(name="Outage chair", look="chair", can_sit=True)
    chair, rug, lamp = [await Furni.objects.acreate(item=item, owner=p.user) for p in (alice, alice, bob)]
    ready = await both_accepted(alice, bob, [chair.pk], [lamp.pk])
    with kafka_stopped():
        await alice.send({"type": "place", "furni": rug.pk, "x": 2, "y": 2, "rotation": 0})
        error = await alice.next("error", timeout=30)
        assert error["code"] == "unavailable" and "nothing changed" in error["message"]
        await alice.send({"type": "trade_confirm"} | seen(ready))
        await bob.next("trade", where=lambda m: m["confirmed"][0])
        await bob.send({"type": "trade_confirm"} | seen(ready))
        error = await bob.next("error", timeout=30)
        assert error["code"] == "unavailable" and "confirm again" in error["message"]
        reopened = await alice.next("trade", where=lambda m: m["stage"] == "offer")
        assert reopened["confirmed"] == [False, False] and reopened["offers"][1][0]["id"] == lamp.pk
        await alice.send({"type": "trade_cancel"})
        await bob.next("trade_closed")
    for piece in (chair, rug, lamp):
        await piece.arefresh_from_db()
    assert (chair.owner_id, lamp.owner_id) == (alice.user.pk, bob.user.pk)
    assert rug.room_id is None
    assert not await Trade.objects.aexists()
    await alice.socket.disconnect()
    await bob.socket.disconnect()
