"""Private messages between friends, durable through Kafka (the messenger
consumer as a subprocess), live to an online friend, waiting for an offline one."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient, Client
from django.urls import reverse

from conftest import wait_for
from friends.events import MessageSent
from friends.models import Friendship, PrivateMessage
from habbo.bus.producer import publish
from habbo.bus.topics import PRIVATE_MESSAGES
from habbo.consumers import HotelConsumer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


def befriend(a, b):
    Friendship.objects.create(user_low_id=min(a.pk, b.pk), user_high_id=max(a.pk, b.pk))


async def test_a_message_reaches_an_online_friend_live(kafka, consumer_process, make_player, thread_connections_closed):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    await sync_to_async(befriend)(alice, bob)
    socket = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    socket.scope["user"] = bob
    assert (await socket.connect())[0]
    consumer_process("messenger")
    client = AsyncClient()
    await client.aforce_login(alice)
    await client.post(reverse("conversation", args=[bob.pk]), {"text": "see you <b>at the pool</b>"})
    while (notice := await socket.receive_json_from(timeout=30))["type"] != "message.received":
        pass
    assert notice["message"]["from"]["name"] == "alice" and notice["message"]["text"] == "see you <b>at the pool</b>"
    await socket.disconnect()


def test_an_offline_friend_reads_it_later_and_only_friends_can_write(kafka, consumer_process, make_player):
    alice, bob, eve = make_player("alice"), make_player("bob"), make_player("eve")
    befriend(alice, bob)
    sender = Client()
    sender.force_login(alice)
    sender.post(reverse("conversation", args=[bob.pk]), {"text": "hello bob"})
    consumer_process("messenger")
    wait_for(lambda: PrivateMessage.objects.filter(text="hello bob").exists(), what="the message stored")

    reader = Client()
    reader.force_login(bob)
    assert reader.get(reverse("friends-api")).json()["unread"] == 1
    conversation = reader.get(reverse("friends-api-conversation", args=[alice.pk])).json()
    assert [(m["from"]["name"], m["text"]) for m in conversation["messages"]] == [("alice", "hello bob")]
    assert PrivateMessage.objects.get().read_at is not None
    assert reader.get(reverse("friends-api")).json()["unread"] == 0

    stranger = Client()
    stranger.force_login(eve)
    response = stranger.get(reverse("friends-api-conversation", args=[bob.pk]))
    assert response.status_code == 400 and "only message your friends" in response.json()["message"]
    # A forged message from a non-friend straight onto the topic is not stored.
    publish(MessageSent(sender_id=eve.pk, recipient_id=bob.pk, text="spam"), actor=eve.pk)
    wait_for(lambda: kafka.committed("messenger", PRIVATE_MESSAGES.full_name) == 2, what="both events")
    assert not PrivateMessage.objects.filter(text="spam").exists()
