"""Limited editions under concurrent buyers, bad input and forged events:
real Kafka, the economy consumer as subprocesses, PostgreSQL."""

import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import wait_for
from economy.events import CreditsGranted, PurchaseRequested
from economy.models import CreditEntry, LimitedUnit, Purchase
from habbo.bus.producer import publish
from habbo.bus.topics import PURCHASES
from habbo.models import User
from rooms.models import Furni

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_ten_numbered_pieces_for_fifty_buyers_on_two_consumers(kafka, consumer_process, make_player, offer):
    dragon = offer(price=20, name="Dragon", limited_stock=10)
    buyers = [make_player(f"fan{i}") for i in range(50)]
    # Two consumers of the group share the partitions: claims race on two connections.
    consumer_process("economy")
    consumer_process("economy")
    for buyer in buyers:
        publish(
            PurchaseRequested(purchase=uuid.uuid4(), buyer_id=buyer.pk, offer_id=dragon.pk, quantity=1, unit_price=20),
            actor=buyer.pk,
        )
    wait_for(lambda: Purchase.objects.count() == 50, timeout=60, what="all 50 purchases applied")
    assert Purchase.objects.filter(status="completed").count() == 10
    assert set(Purchase.objects.filter(status="refused").values_list("reason", flat=True)) == {"sold_out"}
    assert sorted(LimitedUnit.objects.values_list("number", flat=True)) == list(range(1, 11))
    dragon.refresh_from_db()
    assert dragon.limited_sold == 10
    winners = set(LimitedUnit.objects.values_list("furni__owner", flat=True))
    assert len(winners) == 10 and all(User.objects.get(pk=w).credits == 80 for w in winners)
    call_command("economy_audit", verbosity=0)


BAD_BODIES = {
    "zero": ({"quantity": 0}, "between 1 and 100"),
    "negative": ({"quantity": -5}, "between 1 and 100"),
    "huge": ({"quantity": 10**12}, "between 1 and 100"),
    "text": ({"quantity": "3"}, "between 1 and 100"),
    "float": ({"quantity": 1.5}, "between 1 and 100"),
    "unknown offer": ({"offer": 999999}, "no longer in the catalogue"),
    "offer as text": ({"offer": "1"}, "Choose an offer"),
    "no key": ({"key": None}, "reload"),
    "extra field": ({"price": 0}, "not one the hotel understands"),
    "note with a control character": ({"gift_to": "bob", "note": "hi\u0085there"}, "plain text"),
}


@pytest.mark.parametrize("change, message", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_purchases_are_refused_in_words_and_nothing_is_published(kafka, make_player, offer, change, message):
    alice = make_player("alice")
    sofa = offer(price=8)
    client = Client()
    client.force_login(alice)
    body = {"offer": sofa.pk, "quantity": 1, "key": str(uuid.uuid4())} | change
    answer = client.post(reverse("economy-purchase"), json.dumps(body), content_type="application/json")
    assert answer.status_code == 400
    assert message in answer.json()["message"]
    assert "validation" not in answer.json()["message"].lower()
    assert kafka.end_offsets(PURCHASES.full_name) == 0


def test_a_disabled_offer_and_too_many_pieces_are_refused(kafka, make_player, offer):
    alice = make_player("alice")
    client = Client()
    client.force_login(alice)
    for gone, quantity, message in [(offer(active=False), 1, "no longer"), (offer(amount=10), 11, "at most 100 pieces")]:
        body = {"offer": gone.pk, "quantity": quantity, "key": str(uuid.uuid4())}
        answer = client.post(reverse("economy-purchase"), json.dumps(body), content_type="application/json")
        assert answer.status_code == 400 and message in answer.json()["message"]
    assert client.post(reverse("economy-purchase"), "not json", content_type="application/json").status_code == 400
    assert Client().post(reverse("economy-purchase"), "{}", content_type="application/json").status_code == 401


def test_forged_events_change_no_wallet(kafka, consumer_process, make_player, offer, admin_user):
    alice, mallory = make_player("alice"), make_player("mallory")
    sofa = offer(price=8)
    forged = [
        # Mallory buys on Alice's account.
        PurchaseRequested(purchase=uuid.uuid4(), buyer_id=alice.pk, offer_id=sofa.pk, quantity=1, unit_price=8),
        # Mallory grants herself credits as if staff.
        CreditsGranted(op=f"staff:{uuid.uuid4()}", user_id=mallory.pk, amount=5000, reason="staff"),
        # Mallory claims Alice's daily bonus.
        CreditsGranted(op=f"daily:{alice.pk}:2026-12-02", user_id=alice.pk, amount=10, reason="daily"),
    ]
    for event in forged:
        publish(event, actor=mallory.pk)
    # A price the catalogue never had: refused, nothing paid.
    cheap = PurchaseRequested(purchase=uuid.uuid4(), buyer_id=mallory.pk, offer_id=sofa.pk, quantity=1, unit_price=1)
    publish(cheap, actor=mallory.pk)
    grant = CreditsGranted(op=f"staff:{uuid.uuid4()}", user_id=alice.pk, amount=25, reason="staff", note="welcome")
    publish(grant, actor=admin_user.pk)
    publish(grant, actor=admin_user.pk)  # the same grant again: applied once
    consumer_process("economy")
    wait_for(lambda: kafka.end_offsets(PURCHASES.dlq_name) == 3, what="the three forgeries dead-lettered")
    wait_for(lambda: kafka.committed("economy", PURCHASES.full_name) == 6, what="every event handled")
    assert Purchase.objects.get(buyer=mallory).reason == "price_changed"
    assert User.objects.get(pk=mallory.pk).credits == 100
    assert User.objects.get(pk=alice.pk).credits == 125
    assert list(CreditEntry.objects.filter(user=alice, reason="staff").values_list("amount", "note")) == [(25, "welcome")]
    assert not Furni.objects.exists()
    call_command("economy_audit", verbosity=0)


@pytest.mark.durable
def test_the_daily_bonus_comes_once_a_day(kafka, consumer_process, make_player, settings):
    settings.DAILY_BONUS_CREDITS = 10
    alice = make_player("alice")
    client = Client()
    client.force_login(alice)
    for _ in range(3):
        assert client.get(reverse("economy-wallet")).status_code == 200
    consumer_process("economy")
    wait_for(lambda: CreditEntry.objects.filter(user=alice, reason="daily").exists(), what="the bonus applied")
    # Even with the Redis mark gone, the ledger holds today's bonus: nothing is published again.
    from habbo.redis import sync_redis

    for key in sync_redis().scan_iter("live:daily:*"):
        sync_redis().delete(key)
    client.get(reverse("economy-wallet"))
    assert kafka.end_offsets(PURCHASES.full_name) == 1
    assert client.get(reverse("economy-wallet")).json()["credits"] == 110
