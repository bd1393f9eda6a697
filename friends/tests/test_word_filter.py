"""The word filter on private messages: the friend reads the message filtered
(through Kafka and the messenger consumer), and a ticket that cannot be
published does not cost the message (habbo.wordfilter)."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from conftest import wait_for
from friends.models import Friendship, PrivateMessage
from habbo import wordfilter
from habbo.bus.producer import EventBusUnavailable
from habbo.bus.topics import MODERATION, PRIVATE_MESSAGES
from habbo.models import FilteredWord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_word_list")]


@pytest.fixture
def friends(make_player):
    alice, bob = make_player("alice"), make_player("bob")
    Friendship.objects.create(user_low_id=min(alice.pk, bob.pk), user_high_id=max(alice.pk, bob.pk))
    FilteredWord.objects.create(word="ass")
    FilteredWord.objects.create(word="zonk", replacement="***", opens_ticket=True)
    return alice, bob


def send(sender, friend, text: str):
    client = Client()
    client.force_login(sender)
    url = reverse("friends-api-conversation", args=[friend.pk])
    return client.post(url, json.dumps({"text": text}), content_type="application/json")


def test_a_private_message_reaches_the_friend_filtered_and_a_ticket_word_is_reported(
    friends, kafka, consumer_process
):
    alice, bob = friends
    assert send(alice, bob, "Hi 4ss, meet me in class").status_code == 202
    assert send(alice, bob, "ZONK you").status_code == 202
    consumer_process("messenger")
    wait_for(lambda: PrivateMessage.objects.count() == 2, what="both messages stored")

    reader = Client()
    reader.force_login(bob)
    conversation = reader.get(reverse("friends-api-conversation", args=[alice.pk])).json()
    assert [m["text"] for m in conversation["messages"]] == ["Hi bobba, meet me in class", "*** you"]
    [ticket] = [json.loads(m.value())["payload"] for m in kafka.read(MODERATION.full_name, 1)]
    assert (ticket["about"], ticket["reporter_id"], ticket["about_user_id"], ticket["room_id"], ticket["quote"]) == (
        "word", None, alice.pk, None, "ZONK you"
    )


def test_a_ticket_that_cannot_be_published_does_not_cost_the_message(friends, kafka, monkeypatch, caplog):
    alice, bob = friends

    def kafka_refuses(event):
        raise EventBusUnavailable("Kafka did not answer in time")

    monkeypatch.setattr(wordfilter, "report", kafka_refuses)
    with caplog.at_level(logging.ERROR, logger="habbo.wordfilter"):
        assert send(alice, bob, "zonk").status_code == 202
    [message] = [json.loads(m.value())["payload"] for m in kafka.read(PRIVATE_MESSAGES.full_name, 1)]
    assert (message["sender_id"], message["text"]) == (alice.pk, "***")
    assert "could not be published" in caplog.text and "'zonk'" in caplog.text
