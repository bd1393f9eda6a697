"""The word filter on the room's text paths, through the real stack: room
chat and whispers on real room sockets of a real daphne, room names and
descriptions through the views; what everyone sees and what the durable
events carry is filtered, and a word that opens a ticket is reported on the
moderation topic (habbo.wordfilter)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.urls import reverse

from conftest import next_of, room_socket, session_cookie
from habbo.bus.topics import CHAT_MESSAGES, MODERATION, ROOM_EVENTS
from habbo.models import FilteredWord
from rooms.models import Room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_word_list")]


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Filtered room", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=0)


def events(kafka, topic, count: int) -> list[dict]:
    return [json.loads(message.value()) for message in kafka.read(topic.full_name, count)]


def test_room_chat_and_whispers_are_filtered_before_anyone_sees_them(daphne_server, room, make_player, kafka):
    FilteredWord.objects.create(word="ass")
    FilteredWord.objects.create(word="zonk", replacement="***", opens_ticket=True)
    server = daphne_server()
    alice, bob, carol = make_player("alice"), make_player("bob"), make_player("carol")
    cookies = [session_cookie(player) for player in (alice, bob, carol)]

    async def scenario():
        async with room_socket(server, room, cookies[0]) as a, room_socket(server, room, cookies[1]) as b, \
                room_socket(server, room, cookies[2]) as c:
            for socket in (a, b, c):
                await next_of(socket, "snapshot")
            await a.send(json.dumps({"type": "say", "text": "ÁSS, said the class"}))
            for socket in (a, b, c):
                assert (await next_of(socket, "chat"))["text"] == "bobba, said the class"
            await a.send(json.dumps({"type": "whisper", "to": "bob", "text": "you 4ss"}))
            for socket in (a, b):
                line = await next_of(socket, "chat")
                assert (line["kind"], line["text"]) == ("whisper", "you bobba")
            await a.send(json.dumps({"type": "shout", "text": "Z0NK!"}))
            for socket in (a, b, c):  # carol's next line is the shout: she never saw the whisper
                line = await next_of(socket, "chat")
                assert (line["kind"], line["text"]) == ("shout", "***!")

    asyncio.run(scenario())
    lines = events(kafka, CHAT_MESSAGES, 3)
    assert [line["payload"]["text"] for line in lines] == ["bobba, said the class", "you bobba", "***!"]
    [ticket] = events(kafka, MODERATION, 1)
    assert ticket["type"] == "help.reported"
    fields = ("about", "reporter_id", "about_user_id", "room_id", "quote")
    assert [ticket["payload"][field] for field in fields] == ["word", None, alice.pk, str(room.pk), "Z0NK!"]
    assert kafka.end_offsets(MODERATION.full_name) == 1, "only the word set to open a ticket opened one"


def add_word(word: str) -> None:
    FilteredWord.objects.create(word=word)
    connections.close_all()  # this thread's: the test database is dropped at the end


def test_a_word_added_while_a_process_runs_is_filtered_there_soon(daphne_server, room, make_player):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    cookies = session_cookie(alice), session_cookie(bob)

    async def scenario():
        async with room_socket(server, room, cookies[0]) as a, room_socket(server, room, cookies[1]) as b:
            for socket in (a, b):
                await next_of(socket, "snapshot")
            await a.send(json.dumps({"type": "say", "text": "zonk"}))
            assert (await next_of(a, "chat"))["text"] == "zonk", "the process has read the list, without it"
            await sync_to_async(add_word)("zonk")
            # Bob first, then each speaker a line a second: below flood control's 6 lines in 4 s.
            for attempt in range(1, 40):
                await (a, b)[attempt % 2].send(json.dumps({"type": "say", "text": f"zonk {attempt}"}))
                if (await next_of(a, "chat"))["text"] == f"bobba {attempt}":
                    return
                await asyncio.sleep(0.5)
            raise AssertionError("the daphne process never filtered the new word")

    asyncio.run(scenario())


SETTINGS = {
    "capacity": 25, "access": "open", "is_public": True, "wallpaper": "#335577", "floor": "#aa8844",
}


def test_room_names_and_descriptions_are_filtered_and_a_ticket_quotes_the_word(client, make_player, kafka):
    FilteredWord.objects.create(word="ass")
    FilteredWord.objects.create(word="zonk", opens_ticket=True)
    alice = make_player("alice")
    client.force_login(alice)
    description = "A quiet place by the pool. " * 16 + "No zonk here."
    form = {"name": "The 4ss lounge", "description": description, "capacity": 25, "layout": "lounge", "is_public": "on"}
    created = client.post(reverse("room_create"), form, HTTP_ACCEPT="application/json")
    assert created.status_code == 202
    mine = Room.objects.create(owner=alice, name="Mine", floor_plan="000\n000", door_x=0, door_y=0)
    body = SETTINGS | {"name": "ÀSS club", "description": "Come in, class"}
    saved = client.post(reverse("room_settings", args=[mine.pk]), json.dumps(body), content_type="application/json")
    assert saved.status_code == 202

    by_type = {event["type"]: event["payload"] for event in events(kafka, ROOM_EVENTS, 2)}
    assert by_type["room.created"]["name"] == "The bobba lounge"
    assert by_type["room.created"]["description"] == description.replace("zonk", "bobba")
    assert (by_type["room.settings_changed"]["name"], by_type["room.settings_changed"]["description"]) == (
        "bobba club", "Come in, class"
    )
    [ticket] = events(kafka, MODERATION, 1)
    payload = ticket["payload"]
    assert (payload["about"], payload["about_user_id"], payload["room_id"]) == ("word", alice.pk, created.json()["room"])
    # The description is longer than a quote: the quote is the part with the word, as written.
    assert "No zonk here." in payload["quote"] and payload["quote"] in description and len(payload["quote"]) <= 200
