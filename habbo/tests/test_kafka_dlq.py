"""`manage.py kafka_dlq`: dead letters made by the real `rooms` consumer are
listed and shown; after the cause is fixed, a redriven event is applied once
and `redrive --all` never sends a dead letter twice."""

import json
import uuid
from io import StringIO

import pytest
from confluent_kafka import Producer
from django.conf import settings
from django.core.management import CommandError, call_command

from conftest import room_created, wait_for
from habbo.bus.producer import publish
from habbo.bus.topics import ROOM_EVENTS
from habbo.models import ProcessedEvent
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def kafka_dlq(*args: str) -> str:
    out = StringIO()
    call_command("kafka_dlq", *args, stdout=out)
    return out.getvalue()


def shown_value(output: str) -> str:
    return output.split("\nvalue:\n", 1)[1].rstrip("\n")


def test_list_and_show_dead_letters_without_moving_any_offset(kafka, consumer_process, make_player):
    missing_owner = make_player().pk + 1000
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    producer.produce(ROOM_EVENTS.full_name, key=b"poison", value=b"{not json")
    assert producer.flush(10) == 0
    orphan = publish(room_created(missing_owner), actor=None)
    consumer_process("rooms")
    wait_for(lambda: kafka.end_offsets(ROOM_EVENTS.dlq_name) == 2, what="both dead-lettered")
    source = {m.value(): f"{m.partition()}@{m.offset()}" for m in kafka.read(ROOM_EVENTS.full_name, 2)}

    listed = kafka_dlq("list", "room-events").splitlines()
    assert listed[0].split()[:4] == ["offset", "source", "type", "event"]
    rows = {line.split()[0]: line for line in listed[1:3]}
    assert set(rows) == {"0", "1"}
    [event_offset] = [n for n, line in rows.items() if str(orphan.id) in line]
    [garbage_offset] = set(rows) - {event_offset}
    event_row, garbage_row = rows[event_offset].split(), rows[garbage_offset].split()
    assert event_row[1:5] == [source[orphan.model_dump_json().encode()], "room.created", str(orphan.id), "rooms"]
    assert f"unknown owner {missing_owner}" in rows[event_offset]
    assert garbage_row[1:5] == [source[b"{not json"], "-", "-", "rooms"]
    assert "invalid envelope" in rows[garbage_offset]
    assert listed[3] == f"2 dead letter(s) in {ROOM_EVENTS.dlq_name}; redrive --all starts at offset 0"

    shown = kafka_dlq("show", "room-events", event_offset)
    assert f"\nkey: {orphan.key}\n" in shown
    assert f"\n  source-topic: {ROOM_EVENTS.full_name}\n" in shown
    assert f"\n  error: unknown owner {missing_owner}\n" in shown
    assert "\n  consumer: rooms\n" in shown
    assert json.loads(shown_value(shown)) == orphan.model_dump(mode="json")
    assert shown_value(shown).startswith('{\n  "id": '), "pretty-printed"
    assert shown_value(kafka_dlq("show", "room-events", garbage_offset)) == "{not json"
    with pytest.raises(CommandError, match=r"no dead letter at offset 2 \(it holds 0\.\.1\)"):
        kafka_dlq("show", "room-events", "2")

    # Reading committed nothing: the next redrive --all would still start at 0.
    assert kafka.committed("dlq-redrive", ROOM_EVENTS.dlq_name) == 0


def test_redrive_after_the_fix_applies_the_event_once(kafka, consumer_process, make_player):
    missing_owner = make_player().pk + 1000
    orphan = publish(room_created(missing_owner, name="Redriven room"), actor=None)
    consumer_process("rooms")
    wait_for(lambda: kafka.end_offsets(ROOM_EVENTS.dlq_name) == 1, what="the orphan dead-lettered")
    assert not Room.objects.exists()

    make_player(id=missing_owner)  # the fix: the owner exists now
    sent = kafka_dlq("redrive", "room-events", "--all")
    assert f"sent {ROOM_EVENTS.dlq_name}@0 to {ROOM_EVENTS.full_name}[" in sent
    assert f"room.created {orphan.id}" in sent
    assert sent.splitlines()[-1] == "redriven: 1; redrive --all starts at offset 1"
    wait_for(lambda: kafka.committed("rooms", ROOM_EVENTS.full_name) == 2, what="the redriven event consumed")
    assert list(Room.objects.values_list("pk", "owner_id", "name")) == [
        (uuid.UUID(orphan.payload["room_id"]), missing_owner, "Redriven room")
    ]

    again = kafka_dlq("redrive", "room-events", "--all")
    assert again.splitlines() == ["redriven: 0; redrive --all starts at offset 1"]
    assert kafka.end_offsets(ROOM_EVENTS.full_name) == 2

    # Sent once more by hand: the same event id, so the consumer changes nothing.
    assert "redriven: 1;" in kafka_dlq("redrive", "room-events", "--offset", "0")
    wait_for(lambda: kafka.committed("rooms", ROOM_EVENTS.full_name) == 3, what="the second copy consumed")
    assert Room.objects.count() == 1
    assert ProcessedEvent.objects.filter(consumer="rooms", event_id=orphan.id).count() == 1
    assert kafka.end_offsets(ROOM_EVENTS.dlq_name) == 1, "the copy was skipped, not dead-lettered again"

    messages = kafka.read(ROOM_EVENTS.full_name, 3)
    assert {(m.key(), m.value()) for m in messages} == {(orphan.key.encode(), orphan.model_dump_json().encode())}
    headers = [dict(m.headers() or []) for m in messages]
    redriven = [h["redriven-from"] for h in headers if "redriven-from" in h]
    assert redriven == [f"{ROOM_EVENTS.dlq_name}@0".encode()] * 2
