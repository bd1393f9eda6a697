"""Faults around the economy: the consumer killed with SIGKILL in a stream of
purchases, Kafka stopped under a click, and the staff grant from the admin."""

import asyncio
import json
import random
import threading
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import kafka_stopped, retry_until_published, wait_for
from economy.events import PurchaseRequested
from economy.models import CreditEntry, DailySales, Purchase
from habbo.bus.producer import publish
from habbo.bus.topics import PURCHASES
from habbo.consumers import HotelConsumer
from habbo.models import User
from habbo.tests.test_admin import staff_client  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_a_consumer_killed_at_random_points_applies_each_purchase_once_and_loses_no_answer(
    kafka, processes, make_player, offer, thread_connections_closed
):
    buyers = [await sync_to_async(make_player)(f"buyer{i}") for i in range(20)]
    sofa = await sync_to_async(offer)(price=9)
    online = buyers[0]
    page = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    page.scope["user"] = online
    assert (await page.connect())[0]

    # 400 purchases of 9 credits from 20 players with 100 each: 11 each succeed, the rest are refused.
    clicks = [(buyers[i % 20], uuid.uuid4()) for i in range(400)]

    def stream():
        for buyer, key in clicks:
            event = PurchaseRequested(purchase=key, buyer_id=buyer.pk, offer_id=sofa.pk, quantity=1, unit_price=9)
            publish(event, actor=buyer.pk)
            time.sleep(0.07)  # long enough for three kills and their successors taking over
        connection.close()

    start = lambda: processes.start(["manage.py", "kafka_consume", "economy"], "economy")  # noqa: E731
    processes.start(["manage.py", "kafka_consume", "sales"], "sales")
    publisher = threading.Thread(target=stream)
    publisher.start()
    rng = random.Random(7)
    consumer = start()
    for _ in range(3):
        # Killed while it works: once it applied something, at a random moment after.
        before = await sync_to_async(Purchase.objects.count)()
        await sync_to_async(wait_for)(lambda: Purchase.objects.count() > before, timeout=60, what="the consumer at work")
        await asyncio.sleep(rng.uniform(0.05, 0.5))
        consumer.kill()  # SIGKILL: no batch finished, no commit, no pushes sent
        consumer.wait()
        consumer = start()
    assert await sync_to_async(Purchase.objects.count)() < len(clicks), "the stream outran the kills"
    await sync_to_async(publisher.join)()

    def all_applied():
        return Purchase.objects.count() == 400

    await sync_to_async(wait_for)(all_applied, timeout=90, what="every purchase applied")
    mine = {str(key) for buyer, key in clicks if buyer == online}
    answered = set()
    while answered != mine:
        notice = await page.receive_json_from(timeout=30)
        if notice["type"] in ("purchase.completed", "purchase.refused"):
            answered.add(notice["purchase"])
    await page.disconnect()

    def books():
        assert Purchase.objects.filter(status="completed").count() == 20 * 11
        assert set(Purchase.objects.filter(status="refused").values_list("reason", flat=True)) == {"not_enough_credits"}
        assert all(u.credits == 1 for u in User.objects.filter(pk__in=[b.pk for b in buyers]))
        assert CreditEntry.objects.filter(reason="purchase").count() == 220
        call_command("economy_audit", verbosity=0)
        # item.purchased facts were published by whichever consumer committed each batch.
        wait_for(
            lambda: sum(DailySales.objects.values_list("purchases", flat=True)) == 220,
            timeout=30, what="every sale counted once",
        )

    await sync_to_async(books)()


@pytest.mark.kafka_outage
def test_kafka_stopped_charges_nothing(kafka, consumer_process, make_player, offer):
    alice = make_player("alice")
    sofa = offer(price=8)
    client = Client()
    client.force_login(alice)
    body = lambda: json.dumps({"offer": sofa.pk, "quantity": 1, "key": str(uuid.uuid4())})  # noqa: E731
    with kafka_stopped():
        answer = client.post(reverse("economy-purchase"), body(), content_type="application/json")
    assert answer.status_code == 503 and "nothing was charged" in answer.json()["message"]
    marker = PurchaseRequested(purchase=uuid.uuid4(), buyer_id=alice.pk, offer_id=sofa.pk, quantity=1, unit_price=8)
    retry_until_published(lambda: publish(marker, actor=alice.pk))
    consumer_process("economy")
    wait_for(lambda: Purchase.objects.filter(key=marker.purchase).exists(), what="the marker purchase")
    assert kafka.end_offsets(PURCHASES.full_name) == 1
    assert User.objects.get(pk=alice.pk).credits == 92


def test_staff_grant_credits_from_the_admin_as_an_event(kafka, consumer_process, staff_client, make_player):  # noqa: F811
    alice = make_player("alice")
    grant_page = reverse("admin:economy_grant")
    assert staff_client.get(grant_page).status_code == 200
    answer = staff_client.post(grant_page, {"player": "alice", "amount": 250, "note": "Contest winner"})
    assert answer.status_code == 302
    assert kafka.end_offsets(PURCHASES.full_name) == 1
    assert staff_client.post(grant_page, {"player": "alice", "amount": 0}).status_code == 200  # refused by the form
    consumer_process("economy")
    entry = wait_for(lambda: CreditEntry.objects.filter(user=alice, reason="staff").first(), what="the grant applied")
    assert (entry.amount, entry.note, entry.balance_after) == (250, "Contest winner", 350)
    assert User.objects.get(pk=alice.pk).credits == 350

    player = Client()
    player.force_login(alice)
    assert player.get(grant_page).status_code == 302  # to the admin's login: players grant nothing
