"""Trading end to end: the two traders on two daphne processes, the
furniture consumer as a subprocess, real Kafka, Redis and PostgreSQL."""

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command

from conftest import room_socket, session_cookie, wait_for
from habbo.bus.producer import publish, publish_envelope
from habbo.bus.topics import ROOM_EVENTS
from rooms.events import FurniPlaced, TradeAgreed
from rooms.models import Furni, Item, Room, Trade
from rooms.tests.test_furniture_flow import hotel_socket, refused, room, say  # noqa: F401  (room: a fixture)
from rooms.tests.test_room_socket import PLAN, Player, joined
from rooms.tests.test_rooms_across_processes import next_of
from rooms.tests.trades import both_accepted, seen
from rooms.trading import SWAP_IDS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pieces(db):
    chair = Item.objects.create(name="Trade chair", look="chair", can_sit=True)
    lamp = Item.objects.create(name="Trade lamp", look="lamp")
    return chair, lamp


def test_a_trade_with_confirms_on_two_processes_swaps_once(daphne_server, consumer_process, room, make_player, pieces):
    one, two = daphne_server(), daphne_server()
    consumer_process("furniture")
    alice, bob, carol = room.owner, make_player("bob"), make_player("carol")
    chair = Furni.objects.create(item=pieces[0], owner=alice)
    lamp = Furni.objects.create(item=pieces[1], owner=bob)
    cookies = {p.username: session_cookie(p) for p in (alice, bob, carol)}

    async def scenario() -> str:
        async with (
            room_socket(one, room, cookies["alice"]) as a,
            hotel_socket(one, cookies["alice"]) as a_notices,
            room_socket(two, room, cookies["bob"]) as b,
            hotel_socket(two, cookies["bob"]) as b_notices,
            room_socket(one, room, cookies["carol"]) as c,
        ):
            for socket in (a, b, c):
                await next_of(socket, "snapshot")
            await say(a, type="trade_open", user=alice.pk)
            await refused(a, "not_here")
            await say(a, type="trade_open", user=bob.pk)
            opened = await next_of(b, "trade")
            assert (opened["names"], opened["stage"]) == (["alice", "bob"], "offer")
            await say(c, type="trade_open", user=bob.pk)
            await refused(c, "busy")

            await say(a, type="trade_offer", furni=[lamp.pk])
            await refused(a, "not_yours")
            await say(a, type="trade_offer", furni=[chair.pk])
            side = await next_of(b, "trade", where=lambda m: m["offers"][0])
            assert [(p["id"], p["item"]["look"]) for p in side["offers"][0]] == [(chair.pk, "chair")]
            await say(b, type="trade_offer", furni=[lamp.pk])
            shown = await next_of(a, "trade", where=lambda m: m["offers"][1])
            await say(a, type="trade_accept", accepted=True, **seen(shown))
            shown = await next_of(b, "trade", where=lambda m: m["accepted"][0])
            await say(b, type="trade_accept", accepted=True, **seen(shown))
            ready = await next_of(a, "trade", where=lambda m: m["stage"] == "confirm")
            # Both confirm at the same moment, on two processes.
            await asyncio.gather(say(a, type="trade_confirm", **seen(ready)), say(b, type="trade_confirm", **seen(ready)))
            for socket in (a, b):
                assert (await next_of(socket, "trade_closed"))["reason"] == "completing"
            done = await next_of(a_notices, "trade.completed", timeout=20)
            assert (done["with"], [p["id"] for p in done["received"]], [p["id"] for p in done["given"]]) == (
                "bob", [lamp.pk], [chair.pk]
            )
            assert (await next_of(b_notices, "trade.completed", timeout=20))["with"] == "alice"

            # Leaving the room cancels an open trade.
            await say(c, type="trade_open", user=alice.pk)
            await next_of(a, "trade")
            await b.close()
            await c.close()
            left = await next_of(a, "trade_closed")
            assert left["reason"] == "left" and "carol" in left["message"]
            return done["trade"]

    trade_id = asyncio.run(scenario())
    chair.refresh_from_db()
    lamp.refresh_from_db()
    assert (chair.owner_id, lamp.owner_id) == (bob.pk, alice.pk)
    trade = Trade.objects.get()
    assert (str(trade.pk), trade.status, trade.first_gave, trade.second_gave) == (trade_id, "completed", [chair.pk], [lamp.pk])

    # The same agreement published again (its id made from the swap's), and
    # once more under another id: nothing moves twice.
    again = TradeAgreed(room_id=room.pk, trade_id=trade.pk, users=(alice.pk, bob.pk), offers=([chair.pk], [lamp.pk]))
    publish_envelope(again.TOPIC.full_name, again.envelope(actor=alice.pk, id=uuid.uuid5(SWAP_IDS, str(trade.pk))))
    publish(again, actor=bob.pk)
    marker = Furni.objects.create(item=pieces[0], owner=alice)
    publish(FurniPlaced(room_id=room.pk, user_id=alice.pk, furni_id=marker.pk, x=2, y=2, rotation=0), actor=alice.pk)
    wait_for(lambda: Furni.objects.filter(pk=marker.pk, room=room).exists(), what="the marker placed")
    chair.refresh_from_db()
    assert chair.owner_id == bob.pk and Trade.objects.count() == 1
    call_command("economy_audit")


@pytest.mark.durable
def test_one_piece_in_two_trades_and_a_placement_at_once_has_one_owner(kafka, consumer_process, room, make_player, pieces):
    alice, bob, carol = room.owner, make_player("bob"), make_player("carol")
    other_room = Room.objects.create(owner=carol, name="Carol's room", floor_plan="000\n000", door_x=0, door_y=0)
    vase = Furni.objects.create(item=pieces[1], owner=alice)
    bobs, carols = Furni.objects.create(item=pieces[0], owner=bob), Furni.objects.create(item=pieces[0], owner=carol)
    # The vase in two trades in two rooms (two partitions, two consumers
    # racing) and placed after the first: whichever comes first takes it.
    offers = {bob: ([vase.pk], [bobs.pk]), carol: ([vase.pk], [carols.pk])}
    for where, partner in ((room, bob), (other_room, carol)):
        agreed = TradeAgreed(room_id=where.pk, trade_id=uuid.uuid4(), users=(alice.pk, partner.pk), offers=offers[partner])
        publish(agreed, actor=partner.pk)
    publish(FurniPlaced(room_id=room.pk, user_id=alice.pk, furni_id=vase.pk, x=2, y=1, rotation=0), actor=alice.pk)
    consumer_process("furniture")
    consumer_process("furniture")
    wait_for(lambda: Trade.objects.count() == 2, what="both trades decided")
    wait_for(lambda: kafka.committed("furniture", ROOM_EVENTS.full_name) == 3, what="the placement decided")
    completed = Trade.objects.get(status="completed")
    refused_trade = Trade.objects.get(status="refused")
    assert refused_trade.reason == "items_changed"
    vase.refresh_from_db()
    assert vase.owner_id == completed.second_id and vase.room_id is None
    for piece in (bobs, carols):
        piece.refresh_from_db()
    traded, kept = (bobs, carols) if completed.second_id == bob.pk else (carols, bobs)
    assert traded.owner_id == alice.pk and kept.owner_id == refused_trade.second_id
    call_command("economy_audit")


@pytest.mark.usefixtures("kafka", "thread_connections_closed")
async def test_a_piece_placed_before_the_second_confirm_is_taken_out_and_nothing_is_swapped(make_player, clean_redis):
    """The swap is checked before it is published: a piece its giver placed
    (or traded) since offering it reopens the trade without it."""
    owner = await sync_to_async(make_player)("alice")
    room = await Room.objects.acreate(owner=owner, name="Checked room", floor_plan=PLAN, door_x=0, door_y=0)
    alice = Player(owner, room)
    await alice.connect()
    bob = await joined(make_player, room, "bob")
    item = await Item.objects.acreate(name="Checked chair", look="chair", can_sit=True)
    chair, lamp = [await Furni.objects.acreate(item=item, owner=p.user) for p in (alice, bob)]
    ready = await both_accepted(alice, bob, [chair.pk], [lamp.pk])
    await alice.send({"type": "trade_confirm"} | seen(ready))
    await bob.next("trade", where=lambda m: m["confirmed"][0])
    await Furni.objects.filter(pk=chair.pk).aupdate(room=room)  # placed meanwhile, from another tab
    await bob.send({"type": "trade_confirm"} | seen(ready))
    for player in (alice, bob):
        *_, reopened, error = await player.upto("error")  # the trade as it is now, then why
        assert error["code"] == "items_changed" and "taken out" in error["message"]
        assert reopened["type"] == "trade" and reopened["stage"] == "offer"
    assert reopened["offers"] == [[], [{**reopened["offers"][1][0], "id": lamp.pk}]]
    assert reopened["revision"] > ready["revision"]
    # Alice's confirm of the trade as it was does not count for the new one.
    await alice.send({"type": "trade_confirm"} | seen(ready))
    assert (await alice.next("error"))["code"] == "wrong_stage"
    assert not await Trade.objects.aexists()
    await alice.socket.disconnect()
    await bob.socket.disconnect()
