"""Chat text with control or format characters never reaches anyone: refused
on the room socket, and dead-lettered when produced straight to Kafka."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from confluent_kafka import Producer
from django.conf import settings

from chat.events import ChatMessageSent
from chat.models import ChatLine
from conftest import wait_for
from habbo.bus.producer import publish
from habbo.bus.topics import CHAT_MESSAGES
from habbo.routing import websocket_urlpatterns
from rooms.models import Room

# The C1 controls the outside client got through, a bidi override, a zero-width space, an isolate.
REFUSED = ["\x80", "\x85", "\x9f", "\u202e", "\u200b", "\u2066"]


@pytest.fixture
def room(make_player):
    return Room.objects.create(owner=make_player(), name="Text room", floor_plan="0000\n0000", door_x=0, door_y=0)


async def enter(user, room) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/rooms/{room.pk}/")
    socket.scope["user"] = user
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from(timeout=10))["type"] == "snapshot"
    return socket


async def next_of(socket: WebsocketCommunicator, type_: str) -> dict:
    while (message := await socket.receive_json_from(timeout=10))["type"] != type_:
        pass
    return message


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kafka", "thread_connections_closed")
async def test_control_and_format_characters_are_refused_on_the_socket(make_player, room, clean_redis):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    speaker, listener = await enter(alice, room), await enter(bob, room)
    for i, char in enumerate(REFUSED):
        kind = ["say", "shout", "whisper"][i % 3]
        whisper_to = {"to": "bob"} if kind == "whisper" else {}
        await speaker.send_json_to({"type": kind, "text": f"a{char}b"} | whisper_to)
        error = await next_of(speaker, "error")
        assert error["code"] == "invalid" and f"U+{ord(char):04X}" in error["message"]
    await speaker.send_json_to({"type": "say", "text": "clean"})
    # Broadcasts arrive in order: had a refused line been shown, it would come first.
    assert (await next_of(listener, "chat"))["text"] == "clean"
    await speaker.disconnect()
    await listener.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.durable
def test_a_chat_message_with_a_control_character_or_for_no_room_is_dead_lettered(
    kafka, consumer_process, make_player, room
):
    speaker = make_player()
    bad_text = ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text="placeholder").envelope(
        actor=speaker.pk
    ).model_dump(mode="json")
    bad_text["payload"]["text"] = "bell\x85ringer"
    # The room is created on another topic, with no order between the two: the line comes first.
    no_room = ChatMessageSent(room_id=uuid.uuid4(), user_id=speaker.pk, kind="say", text="too early").envelope(
        actor=speaker.pk
    )
    bad_value, early_value = json.dumps(bad_text).encode(), no_room.model_dump_json().encode()
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    producer.produce(CHAT_MESSAGES.full_name, key=str(room.pk).encode(), value=bad_value)
    producer.produce(CHAT_MESSAGES.full_name, key=no_room.key.encode(), value=early_value)
    assert producer.flush(10) == 0
    good = publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text="fine"), actor=speaker.pk)

    consumer_process("chat-history")
    wait_for(lambda: ChatLine.objects.filter(pk=good.id).exists(), what="the good line stored")
    reasons = {bad_value: "U+0085 is a control character", early_value: f"unknown room {no_room.payload['room_id']}"}
    dead = kafka.read(CHAT_MESSAGES.dlq_name, len(reasons))
    assert sorted(m.value() for m in dead) == sorted(reasons)
    for message in dead:
        assert reasons[message.value()] in dict(message.headers())["error"].decode()
    assert list(ChatLine.objects.values_list("text", flat=True)) == ["fine"]
