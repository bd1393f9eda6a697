"""Friends through Kafka: HTTP → friend-requests topic → the friends consumer
(a subprocess) → PostgreSQL → pushes to both players' hotel sockets."""

import signal

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from confluent_kafka import Producer
from django.conf import settings
from django.test import AsyncClient, Client
from django.urls import reverse

from conftest import wait_for
from friends.events import FriendAccepted, FriendRequested
from friends.models import FriendRequest, Friendship
from habbo.bus.producer import publish, publish_envelope
from habbo.bus.topics import FRIEND_REQUESTS
from habbo.consumers import HotelConsumer
from habbo.models import PendingPush, ProcessedEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flash(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_a_request_waits_for_an_offline_player(kafka, consumer_process, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    response = logged_in(alice).post(reverse("friend_request"), {"username": "bob"}, follow=True)
    assert "Friend request sent to bob" in flash(response)
    consumer_process("friends")
    wait_for(lambda: FriendRequest.objects.filter(sender=alice, recipient=bob, status="pending").exists(),
             what="the request applied")
    waiting = logged_in(bob).get(reverse("friends-api")).json()["requests"]
    assert [r["from"]["name"] for r in waiting] == ["alice"]


async def test_online_player_gets_the_popup_and_accepting_updates_both(
    kafka, consumer_process, make_player, thread_connections_closed
):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    sockets = {}
    for user in (alice, bob):
        sockets[user.username] = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
        sockets[user.username].scope["user"] = user
        assert (await sockets[user.username].connect())[0]
    consumer_process("friends")
    a_client = AsyncClient()
    await a_client.aforce_login(alice)
    await a_client.post(reverse("friend_request"), {"username": "bob"})

    popup = await sockets["bob"].receive_json_from(timeout=30)
    assert popup["type"] == "friend.requested" and popup["request"]["from"]["name"] == "alice"
    assert (await sockets["alice"].receive_json_from(timeout=10))["type"] == "friend.request_sent"

    b_client = AsyncClient()
    await b_client.aforce_login(bob)
    await b_client.post(reverse("friend_answer", args=[popup["request"]["id"], "accept"]))
    for me, friend in (("alice", "bob"), ("bob", "alice")):
        notice = await sockets[me].receive_json_from(timeout=30)
        assert notice["type"] == "friend.accepted" and notice["friend"]["name"] == friend
    assert await Friendship.objects.filter(user_low=min(alice.pk, bob.pk), user_high=max(alice.pk, bob.pk)).aexists()
    friends = (await a_client.get(reverse("friends-api"))).json()["friends"]
    assert [f["name"] for f in friends] == ["bob"]
    for socket in sockets.values():
        await socket.disconnect()


async def popups_before(socket, last_sender) -> list[dict]:
    """The friend.requested popups the socket shows before the one from `last_sender`."""
    received = []
    while True:
        message = await socket.receive_json_from(timeout=30)
        if message["type"] == "friend.requested":
            if message["request"]["from"]["id"] == last_sender.pk:
                return received
            received.append(message)


async def test_a_killed_consumer_loses_no_popup(kafka, consumer_process, make_player, thread_connections_closed):
    recipients = [await sync_to_async(make_player)() for _ in range(4)]
    senders = [await sync_to_async(make_player)() for _ in range(50)]
    sockets = []
    for user in recipients:
        socket = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
        socket.scope["user"] = user
        assert (await socket.connect())[0]
        sockets.append(socket)
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "enable.idempotence": True})
    for sender in senders:
        for recipient in recipients:
            envelope = FriendRequested(sender_id=sender.pk, recipient_id=recipient.pk).envelope(actor=sender.pk)
            producer.produce(FRIEND_REQUESTS.full_name, key=envelope.key, value=envelope.model_dump_json())
    assert producer.flush(30) == 0
    total = len(senders) * len(recipients)

    first = consumer_process("friends", "--batch-size", "5")
    await sync_to_async(wait_for)(lambda: FriendRequest.objects.count() >= 40, interval=0.01, what="some applied")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert await FriendRequest.objects.acount() < total, "the consumer must be killed mid-stream"
    consumer_process("friends", "--batch-size", "5")
    await sync_to_async(wait_for)(
        lambda: kafka.committed("friends", FRIEND_REQUESTS.full_name) == total, timeout=90, what="all applied"
    )
    assert await FriendRequest.objects.acount() == total
    # One more request to each, published once all the others are applied: a
    # consumer sends pushes in order, so its popup comes after all of theirs.
    last = await sync_to_async(make_player)()
    for recipient in recipients:
        await sync_to_async(publish)(FriendRequested(sender_id=last.pk, recipient_id=recipient.pk), actor=last.pk)
    for user, socket in zip(recipients, sockets):
        shown = {popup["request"]["id"] for popup in await popups_before(socket, last)}
        earlier = FriendRequest.objects.filter(recipient=user).exclude(sender=last)
        assert shown == {pk async for pk in earlier.values_list("pk", flat=True)}
        await socket.disconnect()
    await sync_to_async(wait_for)(lambda: not PendingPush.objects.exists(), what="the rows of sent pushes deleted")


async def test_pushes_a_killed_consumer_left_are_sent_by_the_next(
    kafka, consumer_process, make_player, thread_connections_closed
):
    bob = await sync_to_async(make_player)("bob")
    socket = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    socket.scope["user"] = bob
    assert (await socket.connect())[0]
    # What a consumer killed right after its commit leaves behind.
    notice = {"type": "user.notify", "kind": "friend.requested", "data": {"request": {"id": 7, "from": {"id": 1}}}}
    await PendingPush.objects.acreate(
        consumer="friends", topic=FRIEND_REQUESTS.full_name, partition=0, pushes=[[f"user.{bob.pk}", notice]]
    )
    consumer_process("friends")
    assert await socket.receive_json_from(timeout=30) == {"type": "friend.requested", "request": notice["data"]["request"]}
    await sync_to_async(wait_for)(lambda: not PendingPush.objects.exists(), what="the row deleted once sent")
    await socket.disconnect()


def test_the_same_event_twice_makes_one_request(kafka, consumer_process, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    envelope = FriendRequested(sender_id=alice.pk, recipient_id=bob.pk).envelope(actor=alice.pk)
    publish_envelope(FRIEND_REQUESTS.full_name, envelope)
    publish_envelope(FRIEND_REQUESTS.full_name, envelope)
    consumer_process("friends")
    wait_for(lambda: kafka.committed("friends", FRIEND_REQUESTS.full_name) == 2, what="both deliveries")
    assert FriendRequest.objects.count() == 1
    assert ProcessedEvent.objects.filter(consumer="friends").count() == 1


def test_crossing_requests_make_one_friendship(kafka, consumer_process, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    publish(FriendRequested(sender_id=alice.pk, recipient_id=bob.pk), actor=alice.pk)
    publish(FriendRequested(sender_id=bob.pk, recipient_id=alice.pk), actor=bob.pk)
    consumer_process("friends")
    wait_for(lambda: kafka.committed("friends", FRIEND_REQUESTS.full_name) == 2, what="both requests")
    assert Friendship.objects.count() == 1
    assert list(FriendRequest.objects.values_list("status", flat=True)) == ["accepted"]


def test_forged_and_repeated_answers_change_nothing(kafka, consumer_process, make_player):
    alice, bob, mallory = make_player("alice"), make_player("bob"), make_player("mallory")
    request = FriendRequest.objects.create(sender=alice, recipient=bob)
    # Someone else's request, through the site: refused at once, nothing published.
    response = logged_in(mallory).post(reverse("friend_answer", args=[request.pk, "accept"]), follow=True)
    assert "no such friend request for you" in flash(response)
    assert kafka.end_offsets(FRIEND_REQUESTS.full_name) == 0
    # Forged on the topic (mallory acting as bob): dead-lettered.
    publish(FriendAccepted(sender_id=alice.pk, recipient_id=bob.pk, request_id=request.pk), actor=mallory.pk)
    # Bob declines, then accepts the same request: the decline is final.
    logged_in(bob).post(reverse("friend_answer", args=[request.pk, "decline"]))
    publish(FriendAccepted(sender_id=alice.pk, recipient_id=bob.pk, request_id=request.pk), actor=bob.pk)
    consumer_process("friends")
    wait_for(lambda: kafka.committed("friends", FRIEND_REQUESTS.full_name) == 3, what="all three applied")
    request.refresh_from_db()
    assert request.status == "declined"
    assert not Friendship.objects.exists()
    dead = kafka.read(FRIEND_REQUESTS.dlq_name, 1)
    assert "cannot act for user" in dict(dead[0].headers())["error"].decode()


def test_a_forged_event_in_a_batch_is_dead_lettered_and_the_rest_applied(kafka, consumer_process, make_player):
    players = [make_player() for _ in range(6)]
    mallory = make_player("mallory")
    good = [FriendRequested(sender_id=a.pk, recipient_id=b.pk).envelope(actor=a.pk)
            for a, b in zip(players[::2], players[1::2])]
    forged = FriendRequested(sender_id=players[0].pk, recipient_id=players[5].pk).envelope(actor=mallory.pk)
    for envelope in [good[0], forged, *good[1:], good[0]]:
        publish_envelope(FRIEND_REQUESTS.full_name, envelope)
    # Published before the consumer starts, so they arrive in one batch.
    consumer_process("friends")
    wait_for(lambda: kafka.committed("friends", FRIEND_REQUESTS.full_name) == 5, what="the whole batch")
    assert sorted(FriendRequest.objects.values_list("sender", "recipient")) == sorted(
        (a.pk, b.pk) for a, b in zip(players[::2], players[1::2])
    )
    assert ProcessedEvent.objects.filter(consumer="friends").count() == 3
    [dead] = kafka.read(FRIEND_REQUESTS.dlq_name, 1)
    assert dead.value() == forged.model_dump_json().encode()
    assert f"user {mallory.pk} cannot act for user {players[0].pk}" in dict(dead.headers())["error"].decode()


def test_requests_the_rules_refuse_at_once(kafka, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    client = logged_in(alice)
    assert "no player called 'nobody'" in flash(client.post(reverse("friend_request"), {"username": "nobody"}, follow=True))
    assert "yourself" in flash(client.post(reverse("friend_request"), {"username": "alice"}, follow=True))
    Friendship.objects.create(user_low=min(alice, bob, key=lambda u: u.pk), user_high=max(alice, bob, key=lambda u: u.pk))
    assert "already friends" in flash(client.post(reverse("friend_request"), {"username": "bob"}, follow=True))
    assert kafka.end_offsets(FRIEND_REQUESTS.full_name) == 0
