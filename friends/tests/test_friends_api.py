"""The friends and messenger windows' JSON endpoints over real Kafka: each
write answers in player words once Kafka has the event; refusals change nothing."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import wait_for
from friends.models import FriendRequest, Friendship, PrivateMessage
from friends.tests.test_messenger import befriend

pytestmark = pytest.mark.django_db(transaction=True)


def as_player(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, name, *args, body=None):
    response = client.post(reverse(name, args=args), json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def test_request_accept_and_the_rows_both_see(kafka, consumer_process, make_player):
    alice, bob = make_player("alice", motto="hi there"), make_player("bob")
    a, b = as_player(alice), as_player(bob)
    consumer_process("friends")
    assert post(a, "friends-api-request", body={"username": "Bob"}) == (200, {"message": "Friend request sent to Bob."})
    assert post(a, "friends-api-request", body={"username": "alice"})[1]["message"] == (
        "You cannot send a friend request to yourself."
    )
    assert post(a, "friends-api-request", body={"username": ""}) == (
        400, {"error": "refused", "message": "Type the name of the player you want to add."}
    )
    wait_for(lambda: FriendRequest.objects.filter(status="pending").exists(), what="the request applied")
    [waiting] = b.get(reverse("friends-api")).json()["requests"]
    assert waiting["from"]["name"] == "alice"
    assert b.post(reverse("friends-api-answer", args=[waiting["id"], "maybe"])).status_code == 404
    assert post(b, "friends-api-answer", waiting["id"], "accept") == (200, {"message": "Accepted."})
    wait_for(lambda: Friendship.objects.exists(), what="the friendship")

    row = b.get(reverse("friends-api")).json()["friends"][0]
    assert {k: row[k] for k in ("id", "name", "motto", "online", "room", "unread")} == {
        "id": alice.pk, "name": "alice", "motto": "hi there", "online": False, "room": None, "unread": 0,
    }
    found = a.get(reverse("friends-api-search"), {"q": "bo"}).json()["players"]
    assert [(p["name"], p["friend"]) for p in found] == [("bob", True)]


def test_messages_count_as_unread_until_the_conversation_is_read(kafka, consumer_process, make_player):
    alice, bob, eve = make_player("alice"), make_player("bob"), make_player("eve")
    befriend(alice, bob)
    consumer_process("messenger")
    a = as_player(alice)
    assert post(a, "friends-api-conversation", bob.pk, body={"text": "pool at five?"}) == (202, {"status": "sending"})
    assert post(a, "friends-api-conversation", bob.pk, body={"text": ""}) == (
        400, {"error": "refused", "message": "A message is 1 to 255 characters of text."}
    )
    assert post(as_player(eve), "friends-api-conversation", bob.pk, body={"text": "spam"})[0] == 400
    wait_for(lambda: PrivateMessage.objects.exists(), what="the message stored")
    b = as_player(bob)
    overview = b.get(reverse("friends-api")).json()
    assert overview["unread"] == 1 and overview["friends"][0]["unread"] == 1
    texts = [m["text"] for m in b.get(reverse("friends-api-conversation", args=[alice.pk])).json()["messages"]]
    assert texts == ["pool at five?"]
    assert b.get(reverse("friends-api")).json()["unread"] == 0


def test_the_windows_answer_401_without_a_player(client):
    assert client.get(reverse("friends-api")).status_code == 401
    assert client.post(reverse("friends-api-request"), "{}", content_type="application/json").status_code == 401
