"""Buying through the whole stack: the web process publishes purchase.requested
(real Kafka), the economy consumer (a subprocess) applies it, and the outcome
reaches the buyer's open page (real Redis)."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.test import AsyncClient, Client
from django.urls import reverse

from conftest import wait_for
from economy.models import CreditEntry, DailySales, Gift, Purchase
from economy.tests.conftest import befriend
from habbo.consumers import HotelConsumer
from habbo.models import User
from rooms.models import Furni

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


def buy(client, offer, key=None, **extra):
    body = {"offer": offer.pk, "quantity": 1, "key": str(key or uuid.uuid4())} | extra
    return client.post(reverse("economy-purchase"), json.dumps(body), content_type="application/json")


async def next_notice(socket, *types):
    while (notice := await socket.receive_json_from(timeout=30))["type"] not in types:
        pass
    return notice


def audit_clean():
    call_command("economy_audit", verbosity=0)  # raises CommandError on any mismatch


async def test_buy_twice_with_one_click_key_and_be_refused_for_credits(
    kafka, consumer_process, make_player, offer, thread_connections_closed
):
    alice = await sync_to_async(make_player)("alice")
    sofa = await sync_to_async(offer)(price=30, name="Purple sofa")
    throne = await sync_to_async(offer)(price=500, name="Throne")
    page = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    page.scope["user"] = alice
    assert (await page.connect())[0]
    consumer_process("economy")
    client = AsyncClient()
    await client.aforce_login(alice)

    click = uuid.uuid4()
    answer = await buy(client, sofa, click)
    assert answer.status_code == 202 and answer.json() == {"status": "buying", "purchase": str(click)}
    done = await next_notice(page, "purchase.completed", "purchase.refused")
    assert done["type"] == "purchase.completed" and done["purchase"] == str(click)
    assert done["balance"] == 70 and done["spent"] == 30
    assert [(i["name"], i["limited"]) for i in done["items"]] == [("Purple sofa", None)]

    # A double submit of the same click: the same answer, nothing bought twice.
    assert (await buy(client, sofa, click)).status_code == 202
    assert await next_notice(page, "purchase.completed", "purchase.refused") == done

    refused = await buy(client, throne)
    assert refused.status_code == 202
    notice = await next_notice(page, "purchase.completed", "purchase.refused")
    assert notice["type"] == "purchase.refused" and notice["reason"] == "not_enough_credits"
    assert "enough credits" in notice["message"]
    await page.disconnect()

    def books():
        assert User.objects.get(pk=alice.pk).credits == 70
        assert Furni.objects.filter(owner=alice).count() == 1
        assert list(CreditEntry.objects.filter(user=alice).order_by("id").values_list("reason", "amount")) == [
            ("signup", 100), ("purchase", -30)
        ]
        assert Purchase.objects.filter(buyer=alice).count() == 2
        audit_clean()

    await sync_to_async(books)()


def test_a_gift_to_an_offline_friend_waits_for_their_next_visit(kafka, consumer_process, make_player, offer):
    alice, bob, eve = make_player("alice"), make_player("bob"), make_player("eve")
    befriend(alice, bob)
    lamp = offer(price=12, name="Gift lamp")
    consumer_process("economy")
    consumer_process("sales")
    sender = Client()
    sender.force_login(alice)

    answer = buy(sender, lamp, gift_to="BOB", note="Happy birthday!")
    assert answer.status_code == 202
    stranger = buy(sender, lamp, gift_to="eve")
    assert stranger.status_code == 400 and "only send gifts to your friends" in stranger.json()["message"]
    gift = wait_for(lambda: Gift.objects.filter(recipient=bob).first(), what="the gift applied")
    assert gift.note == "Happy birthday!" and gift.sender == alice

    recipient = Client()
    recipient.force_login(bob)
    wallet = recipient.get(reverse("economy-wallet")).json()
    assert [(g["from"], g["note"], [i["name"] for i in g["items"]]) for g in wallet["gifts"]] == [
        ("alice", "Happy birthday!", ["Gift lamp"])
    ]
    inventory = recipient.get(reverse("economy-inventory")).json()["items"]
    assert [(i["item"]["name"], i["count"]) for i in inventory] == [("Gift lamp", 1)]
    assert recipient.post(reverse("economy-gift-open", args=[gift.pk])).status_code == 200
    assert recipient.get(reverse("economy-wallet")).json()["gifts"] == []

    assert User.objects.get(pk=alice.pk).credits == 88
    assert not Furni.objects.filter(owner=alice).exists() and not Furni.objects.filter(owner=eve).exists()
    # The sales consumer counted it from item.purchased (published by the economy consumer).
    sales = wait_for(lambda: DailySales.objects.filter(offer=lamp).first(), what="the sale counted")
    assert (sales.purchases, sales.pieces, sales.credits) == (1, 1, 12)
    audit_clean()
