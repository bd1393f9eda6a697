"""The furniture consumer killed with SIGKILL at random points in a stream of
placements, moves, pick-ups and trades, and started again: every change
applied once, every room frame and every notice to an online player sent,
the audit clean (real Kafka, Redis, PostgreSQL; the consumer a subprocess)."""

import asyncio
import random
import threading
import time
import uuid

import orjson
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.db import connection
from redis import asyncio as aioredis

from conftest import wait_for
from habbo.bus.producer import publish, publish_envelope
from habbo.consumers import HotelConsumer
from rooms.events import FurniMoved, FurniPickedUp, FurniPlaced, TradeAgreed
from rooms.fanout import node_url
from rooms.live import frames_channel
from rooms.models import Furni, Item, Room, Trade
from rooms.trading import SWAP_IDS

pytestmark = pytest.mark.django_db(transaction=True)

PIECES = 30  # per room owner
TRADES = 10  # per pair of traders


def _stream(rooms: list[Room], pieces: dict, traders: list[tuple], lamps: dict) -> list:
    """The events, each room's in order (place all, turn all, pick up every
    third), with the trades woven in; every one of them must be applied."""
    per_room = []
    for room in rooms:
        owner, mine = room.owner_id, pieces[room.owner_id]
        placed = [(FurniPlaced(room_id=room.pk, user_id=owner, furni_id=f, x=1 + j % 8, y=1 + j // 8, rotation=0), owner)
                  for j, f in enumerate(mine)]
        turned = [(FurniMoved(room_id=room.pk, user_id=owner, furni_id=f, x=1 + j % 8, y=1 + j // 8, rotation=2), owner)
                  for j, f in enumerate(mine)]
        picked = [(FurniPickedUp(room_id=room.pk, user_id=owner, furni_id=f), owner) for f in mine[::3]]
        per_room.append(placed + turned + picked)
    trades = [
        (TradeAgreed(room_id=rooms[0].pk, trade_id=uuid.uuid4(), users=(a, b), offers=([lamps[a][i]], [lamps[b][i]])), a)
        for a, b in traders for i in range(TRADES)
    ]
    stream, rng = [], random.Random(11)
    queues = [*per_room, trades]
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        stream.append(queue.pop(0))
    return stream


async def test_a_furniture_consumer_killed_at_random_points_applies_each_change_once(
    kafka, processes, make_player, thread_connections_closed
):
    def setup():
        players = [make_player(f"f{i}") for i in range(6)]
        chair = Item.objects.create(name="Fault chair", look="chair", can_sit=True)
        lamp = Item.objects.create(name="Fault lamp", look="lamp")
        rooms = [
            Room.objects.create(owner=p, name=f"Room of {p.username}", floor_plan="\n".join(["0" * 10] * 10), door_x=0, door_y=0)
            for p in players[:4]
        ]
        pieces = {r.owner_id: [Furni.objects.create(item=chair, owner=r.owner).pk for _ in range(PIECES)] for r in rooms}
        traders = [(players[4].pk, players[5].pk), (players[0].pk, players[1].pk)]
        lamps = {p.pk: [Furni.objects.create(item=lamp, owner=p).pk for _ in range(TRADES)] for p in players[:2] + players[4:]}
        return players, rooms, pieces, traders, lamps

    players, rooms, pieces, traders, lamps = await sync_to_async(setup)()
    events = _stream(rooms, pieces, traders, lamps)
    online = players[0]
    page = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    page.scope["user"] = online
    assert (await page.connect())[0]
    channel = frames_channel(rooms[0].pk)
    watched = aioredis.Redis.from_url(await node_url(channel), decode_responses=True).pubsub()
    await watched.ssubscribe(channel)

    def publish_all():
        for event, actor in events:
            if isinstance(event, TradeAgreed):  # as the web process does: the id made from the trade's
                publish_envelope(event.TOPIC.full_name, event.envelope(actor=actor, id=uuid.uuid5(SWAP_IDS, str(event.trade_id))))
            else:
                publish(event, actor=actor)
            time.sleep(0.1)  # long enough for three kills and their successors taking over
        connection.close()

    start = lambda: processes.start(["manage.py", "kafka_consume", "furniture"], "furniture")  # noqa: E731
    publisher = threading.Thread(target=publish_all)
    publisher.start()
    def applied() -> int:
        return sum(Room.objects.filter(pk__in=[r.pk for r in rooms]).values_list("furni_seq", flat=True)) + Trade.objects.count()

    rng = random.Random(5)
    consumer = start()
    for _ in range(3):
        # Killed while it works: once it applied something, at a random moment after.
        before = await sync_to_async(applied)()
        await sync_to_async(wait_for)(lambda: applied() > before, timeout=60, what="the consumer at work")
        await asyncio.sleep(rng.uniform(0.05, 0.5))
        consumer.kill()  # SIGKILL: no batch finished, no commit, no pushes sent
        consumer.wait()
        consumer = start()
    assert await sync_to_async(applied)() < len(events), "the stream outran the kills"
    await sync_to_async(publisher.join)()

    changes_per_room = PIECES + PIECES + len(range(0, PIECES, 3))

    def all_applied():
        return list(Room.objects.filter(pk__in=[r.pk for r in rooms]).values_list("furni_seq", flat=True)) == [
            changes_per_room
        ] * len(rooms) and Trade.objects.count() == TRADES * len(traders)

    await sync_to_async(wait_for)(all_applied, timeout=120, what="every change applied")

    # Every notice of the online player's arrived: her 30 pieces left her
    # inventory, 10 came back, 10 trades completed; nothing was refused (a
    # change applied twice would be).
    placed, returned, traded, refused = set(), set(), set(), []
    mine = set(pieces[online.pk])
    while placed != mine or returned != set(pieces[online.pk][::3]) or len(traded) < TRADES:
        notice = await page.receive_json_from(timeout=30)
        if notice["type"] == "inventory.changed":
            placed |= set(notice["removed"]) & mine
            returned |= {card["id"] for card in notice["added"]} & mine
        elif notice["type"] == "trade.completed":
            traded.add(notice["trade"])
        elif notice["type"] in ("furni.refused", "trade.refused"):
            refused.append(notice)
    assert refused == []
    await page.disconnect()

    # Every frame of her room reached Redis: each change number at least once.
    seen, deadline = set(), time.monotonic() + 30
    while seen != set(range(1, changes_per_room + 1)):
        assert time.monotonic() < deadline, f"frames missing: {sorted(set(range(1, changes_per_room + 1)) - seen)[:10]}"
        # (None for the subscription's own confirmation, or nothing within a second.)
        message = await watched.get_message(ignore_subscribe_messages=True, timeout=1)
        if message is not None:
            seen.add(orjson.loads(message["data"])["seq"])
    await watched.aclose()

    def books():
        for room in rooms:
            for j, furni in enumerate(Furni.objects.filter(pk__in=pieces[room.owner_id]).order_by("pk")):
                expected = (None, 0) if j % 3 == 0 else (room.pk, 2)
                assert (furni.room_id, furni.rotation) == expected, (room, j)
        assert set(Trade.objects.values_list("status", flat=True)) == {"completed"}
        for a, b in traders:  # each lamp changed hands exactly once
            assert set(Furni.objects.filter(pk__in=lamps[a]).values_list("owner_id", flat=True)) == {b}
            assert set(Furni.objects.filter(pk__in=lamps[b]).values_list("owner_id", flat=True)) == {a}
        call_command("economy_audit", verbosity=0)

    await sync_to_async(books)()
