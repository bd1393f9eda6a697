"""room.created through the real stack: HTTP → Kafka → `manage.py kafka_consume`
(a subprocess) → PostgreSQL → channel-layer push over Redis."""

import json
import re
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from confluent_kafka import Producer
from django.conf import settings
from django.test import AsyncClient, Client
from django.urls import reverse

from conftest import kafka_stopped, retry_until_published, room_created, wait_for
from habbo.bus.producer import publish, publish_envelope
from habbo.bus.topics import ROOM_EVENTS
from habbo.consumers import HotelConsumer
from habbo.models import ProcessedEvent
from rooms.models import Room

pytestmark = pytest.mark.durable

ROOT = Path(__file__).resolve().parents[2]
FORM = {"name": "Sunset Lounge", "description": "By the window", "capacity": 30, "layout": "lounge", "is_public": "on"}


def room_count() -> int:
    return Room.objects.count()


@pytest.mark.django_db(transaction=True)
async def test_create_room_end_to_end(kafka, consumer_process, make_player, thread_connections_closed):
    player = await sync_to_async(make_player)()
    socket = WebsocketCommunicator(HotelConsumer.as_asgi(), "/ws/hotel/")
    socket.scope["user"] = player
    assert (await socket.connect())[0]
    client = AsyncClient()
    await client.aforce_login(player)

    response = await client.post(reverse("room_create"), FORM)
    assert response.status_code == 302
    room_id = re.search(r"creating=([0-9a-f-]+)", response.url).group(1)
    assert not await Room.objects.filter(pk=room_id).aexists(), "the view must not write the room itself"

    consumer_process("rooms")
    notice = await socket.receive_json_from(timeout=30)
    assert notice == {
        "type": "room.created",
        "room": {"id": room_id, "name": "Sunset Lounge", "url": f"/rooms/{room_id}/"},
    }
    room = await Room.objects.aget(pk=room_id)
    assert (room.owner_id, room.capacity, room.is_public, room.description) == (player.pk, 30, True, "By the window")
    assert room.floor_plan.startswith("xx00000000")
    await socket.disconnect()

    mine = (await client.get(reverse("navigator_rooms"), {"tab": "mine"})).json()["rooms"]
    assert [r["name"] for r in mine] == ["Sunset Lounge"]


@pytest.mark.django_db(transaction=True)
def test_same_event_twice_makes_one_room(kafka, consumer_process, make_player):
    player = make_player()
    envelope = room_created(player.pk).envelope(actor=player.pk)
    publish_envelope(ROOM_EVENTS.full_name, envelope)
    publish_envelope(ROOM_EVENTS.full_name, envelope)

    consumer_process("rooms")
    wait_for(lambda: kafka.committed("rooms", ROOM_EVENTS.full_name) == 2, what="both deliveries committed")
    assert [str(pk) for pk in Room.objects.values_list("pk", flat=True)] == [envelope.payload["room_id"]]
    assert ProcessedEvent.objects.filter(consumer="rooms", event_id=envelope.id).count() == 1
    assert kafka.end_offsets(ROOM_EVENTS.dlq_name) == 0


@pytest.mark.django_db(transaction=True)
def test_poison_messages_go_to_the_dlq_and_the_next_event_applies(kafka, consumer_process, make_player):
    player = make_player()
    topic = ROOM_EVENTS.full_name
    unknown_type = room_created(player.pk).envelope(actor=None).model_dump(mode="json") | {"type": "room.exploded"}
    invalid_payload = room_created(player.pk).envelope(actor=None).model_dump(mode="json")
    invalid_payload["payload"]["capacity"] = 5
    unknown_owner = room_created(player.pk + 1000).envelope(actor=None)
    wrong_key = room_created(player.pk).envelope(actor=None).model_dump_json().encode()
    poison = [b"{not json", json.dumps(unknown_type).encode(), json.dumps(invalid_payload).encode(), wrong_key]
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    for value in poison:
        producer.produce(topic, key=b"poison", value=value)
    assert producer.flush(10) == 0
    producer.produce(topic, key=unknown_owner.key.encode(), value=unknown_owner.model_dump_json().encode())
    poison.append(unknown_owner.model_dump_json().encode())
    assert producer.flush(10) == 0
    good = publish(room_created(player.pk, name="After the poison"), actor=player.pk)

    consumer_process("rooms")
    wait_for(lambda: Room.objects.filter(pk=good.payload["room_id"]).exists(), what="the good event applied")
    dead = kafka.read(ROOM_EVENTS.dlq_name, len(poison))
    assert sorted(m.value() for m in dead) == sorted(poison)
    errors = {}
    for message in dead:
        headers = {k: v.decode() for k, v in message.headers()}
        assert headers["source-topic"] == topic
        assert headers["consumer"] == "rooms"
        assert int(headers["source-partition"]) >= 0 and int(headers["source-offset"]) >= 0
        errors[message.value()] = headers["error"]
    expected = ["invalid envelope", "unknown event type 'room.exploded'", "capacity", "is not the envelope's key",
                "unknown owner"]
    for value, why in zip(poison, expected):
        assert why in errors[value]
    # Poison on one partition keeps its order in the DLQ.
    assert [m.value() for m in dead if m.key() == b"poison"] == poison[:4]
    assert list(Room.objects.values_list("name", flat=True)) == ["After the poison"]


@pytest.mark.django_db(transaction=True)
def test_a_long_run_of_poison_stops_the_consumer_loudly(kafka, consumer_process, monkeypatch):
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    for i in range(5):
        producer.produce(ROOM_EVENTS.full_name, key=b"k", value=b"garbage %d" % i)
    assert producer.flush(10) == 0
    monkeypatch.setenv("KAFKA_MAX_CONSECUTIVE_BAD", "3")
    proc = consumer_process("rooms")
    assert proc.wait(60) != 0
    assert "3 bad messages in a row" in Path(proc.log_path).read_text()
    # The three it judged are in the DLQ and committed; the rest wait for a fix.
    assert kafka.end_offsets(ROOM_EVENTS.dlq_name) == 3
    assert kafka.committed("rooms", ROOM_EVENTS.full_name) == 3


@pytest.mark.django_db(transaction=True)
def test_killed_consumer_restarts_and_applies_every_event_once(kafka, consumer_process, make_player):
    player = make_player()
    total = 500
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "enable.idempotence": True})
    for i in range(total):
        envelope = room_created(player.pk, name=f"Room {i:03d}").envelope(actor=player.pk)
        producer.produce(ROOM_EVENTS.full_name, key=envelope.key, value=envelope.model_dump_json())
    assert producer.flush(30) == 0

    first = consumer_process("rooms", "--batch-size", "10")
    applied_at_kill = wait_for(lambda: (n := room_count()) >= 60 and n, interval=0.01, what="the first rooms")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert applied_at_kill < total, "the consumer must be killed mid-stream"

    consumer_process("rooms", "--batch-size", "10")
    wait_for(lambda: kafka.committed("rooms", ROOM_EVENTS.full_name) == total, timeout=90, what="all offsets")
    assert room_count() == total
    assert ProcessedEvent.objects.filter(consumer="rooms").count() == total
    assert len(set(Room.objects.values_list("name", flat=True))) == total
    assert kafka.end_offsets(ROOM_EVENTS.dlq_name) == 0


def docs_example(event_type: str) -> dict:
    text = (ROOT / "docs" / "events.md").read_text()
    section = text[text.index(f"### {event_type}") :]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))


@pytest.mark.django_db(transaction=True)
def test_kcat_produces_the_documented_event_and_the_consumer_applies_it(kafka, consumer_process, make_player):
    player = make_player()
    example = docs_example("room.created")
    room_id = str(uuid.uuid4())
    example |= {"id": str(uuid.uuid4()), "actor": player.pk, "key": room_id}
    example["payload"] |= {"room_id": room_id, "owner_id": player.pk}
    line = f"{room_id}|{json.dumps(example)}\n"
    subprocess.run(
        ["kcat", "-P", "-b", settings.KAFKA_BOOTSTRAP_SERVERS, "-t", ROOM_EVENTS.full_name, "-K", "|"],
        input=line.encode(),
        check=True,
        timeout=30,
    )

    consumer_process("rooms")
    room = wait_for(lambda: Room.objects.filter(pk=room_id).first(), what="the kcat room")
    assert (room.name, room.owner_id, room.capacity) == ("Sunset Lounge", player.pk, 25)
    assert room.plan.width == 4 and room.plan.depth == 3


@pytest.mark.kafka_outage
@pytest.mark.django_db(transaction=True)
def test_kafka_stopped_gives_503_and_no_room(kafka, consumer_process, make_player):
    player = make_player()
    client = Client()
    client.force_login(player)
    with kafka_stopped():
        response = client.post(reverse("room_create"), FORM)
    assert response.status_code == 503
    assert b"nothing was changed" in response.content

    # Once a later event is acknowledged, a stray copy of the refused one would be there too.
    # The restarted broker may need a moment before it takes events again.
    marker = retry_until_published(lambda: publish(room_created(player.pk, name="Marker"), actor=player.pk))
    consumer_process("rooms")
    wait_for(lambda: Room.objects.filter(pk=marker.payload["room_id"]).exists(), what="the marker room")
    assert kafka.end_offsets(ROOM_EVENTS.full_name) == 1
    assert list(Room.objects.values_list("name", flat=True)) == ["Marker"]
