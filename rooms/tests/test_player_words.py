"""A malformed message on the room socket of a real daphne is refused in the
player's words (rooms.protocol's refusals), never in pydantic's."""

import asyncio
import json

import pytest

from conftest import room_socket, session_cookie
from rooms.models import Room
from rooms.protocol import CLIENT_MESSAGES

pytestmark = pytest.mark.django_db(transaction=True)

# Phrases of pydantic's error messages ("to: String should have at least 1 character").
PYDANTIC_WORDS = ["should", "Field required", "Extra inputs", "Input tag", "validation error", "type=", "to:"]
CHAT_LINE = "A chat line is 1 to 100 characters long."
NOT_UNDERSTOOD = "The hotel did not understand that, so nothing was done."

MALFORMED = [
    ({"type": "whisper", "to": "", "text": "psst"}, "Type the name of the player in this room to whisper to."),
    ({"type": "whisper", "to": "bob"}, CHAT_LINE),
    ({"type": "say", "text": ""}, CHAT_LINE),
    ({"type": "say", "text": "x" * 101}, CHAT_LINE),
    ({"type": "shout", "text": 5}, CHAT_LINE),
    ({"type": "say", "text": "hi", "colour": "red"}, NOT_UNDERSTOOD),
    ({"type": "sing", "text": "la"}, NOT_UNDERSTOOD),
]


async def next_of(socket, type_: str) -> dict:
    async with asyncio.timeout(10):
        while (message := json.loads(await socket.recv()))["type"] != type_:
            pass
        return message


def test_malformed_chat_on_a_real_room_socket_is_refused_in_player_words(daphne_server, make_player):
    server = daphne_server()
    alice = make_player("alice")
    room = Room.objects.create(owner=alice, name="Words", floor_plan="000\n000", door_x=0, door_y=0)
    cookie = session_cookie(alice)

    async def scenario() -> list[tuple[str, str]]:
        replies = []
        async with room_socket(server, room, cookie) as socket:
            await next_of(socket, "snapshot")
            for message, _ in MALFORMED:
                await socket.send(json.dumps(message))
                error = await next_of(socket, "error")
                replies.append((error["code"], error["message"]))
            await socket.send(json.dumps({"type": "wave"}))
            assert (await next_of(socket, "wave"))["user"] == alice.pk, "the socket stays open"
        return replies

    replies = asyncio.run(scenario())
    assert replies == [("invalid", sentence) for _, sentence in MALFORMED]
    assert [message for _, message in replies if any(words in message for words in PYDANTIC_WORDS)] == []


def test_every_field_of_every_room_message_has_a_sentence():
    missing = [
        f"{message.__name__}.{field}"
        for message in CLIENT_MESSAGES
        for field in message.model_fields
        if field != "type" and field not in message.refusals
    ]
    assert missing == []
