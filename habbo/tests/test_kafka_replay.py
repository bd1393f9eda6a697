"""`manage.py kafka_replay NAME --from earliest|TIME [--rebuild]`: a stopped
consumer's offsets go back; rebuilt projections come out as they were."""

import signal
import time
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from confluent_kafka import Consumer, TopicPartition
from django.conf import settings
from django.core.management import CommandError, call_command

from chat.events import ChatMessageSent
from chat.models import ChatLine
from conftest import wait_for
from habbo.bus.producer import publish
from habbo.bus.registry import CONSUMERS
from habbo.bus.topics import CHAT_MESSAGES, ROOM_EVENTS
from habbo.models import ProcessedEvent
from rooms.events import UserEntered, UserLeft
from rooms.models import Room, Visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]

PROJECTIONS = {
    "room-stats": (ROOM_EVENTS, lambda: list(Room.objects.order_by("pk").values_list("pk", "player_count", "occupancy_seq"))),
    "visit-log": (
        ROOM_EVENTS,
        lambda: list(Visit.objects.order_by("pk").values_list("pk", "room_id", "user_id", "entered_at", "left_at")),
    ),
    "chat-history": (
        CHAT_MESSAGES,
        lambda: list(
            ChatLine.objects.order_by("pk").values_list(
                "pk", "room_id", "user_id", "kind", "recipient_id", "text", "said_at"
            )
        ),
    ),
}


def committed(group: str, topic: str) -> dict[int, int]:
    """The group's committed offset per partition (-1001: none)."""
    consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": settings.KAFKA_TOPIC_PREFIX + group})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        return {tp.partition: tp.offset for tp in consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)}
    finally:
        consumer.close()


def caught_up(kafka, name: str) -> bool:
    topic = PROJECTIONS[name][0].full_name
    return kafka.committed(name, topic) == kafka.end_offsets(topic)


def test_rebuilt_projections_equal_what_was_there_and_a_running_consumer_is_refused(kafka, consumer_process, make_player):
    alice, bob = make_player(), make_player()
    lobby = Room.objects.create(owner=alice, name="Lobby", floor_plan="000\n000", door_x=0, door_y=0)
    cafe = Room.objects.create(owner=bob, name="Cafe", floor_plan="000\n000", door_x=0, door_y=0)
    alice_in_lobby, bob_in_lobby, bob_in_cafe = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # What the room sockets publish: alice stays in the lobby, bob moves on to the cafe.
    for event, actor in [
        (UserEntered(room_id=lobby.pk, user_id=alice.pk, visit_id=alice_in_lobby, present=1, seq=1), alice),
        (UserEntered(room_id=lobby.pk, user_id=bob.pk, visit_id=bob_in_lobby, present=2, seq=2), bob),
        (ChatMessageSent(room_id=lobby.pk, user_id=alice.pk, kind="say", text="hello bob"), alice),
        (ChatMessageSent(room_id=lobby.pk, user_id=bob.pk, kind="whisper", recipient_id=alice.pk, text="psst"), bob),
        (UserLeft(room_id=lobby.pk, user_id=bob.pk, visit_id=bob_in_lobby, present=1, seq=3), bob),
        (UserEntered(room_id=cafe.pk, user_id=bob.pk, visit_id=bob_in_cafe, present=1, seq=1), bob),
        (ChatMessageSent(room_id=cafe.pk, user_id=bob.pk, kind="shout", text="anyone here?"), bob),
    ]:
        publish(event, actor=actor.pk)

    procs = {name: consumer_process(name) for name in PROJECTIONS}
    wait_for(lambda: all(caught_up(kafka, name) for name in PROJECTIONS), what="the consumers to catch up")
    before = {name: snapshot() for name, (_, snapshot) in PROJECTIONS.items()}
    assert sorted((count, seq) for _, count, seq in before["room-stats"]) == [(1, 1), (1, 3)]
    assert len(before["visit-log"]) == 3 and len(before["chat-history"]) == 3

    with pytest.raises(CommandError, match=r"stop the consumer first: 1 members"):
        call_command("kafka_replay", "chat-history", "--from", "earliest", "--rebuild")
    assert PROJECTIONS["chat-history"][1]() == before["chat-history"], "nothing emptied"
    assert caught_up(kafka, "chat-history"), "no offset moved"

    for proc in procs.values():
        proc.send_signal(signal.SIGTERM)
    assert all(proc.wait(30) == 0 for proc in procs.values())

    for name, (topic, snapshot) in PROJECTIONS.items():
        call_command("kafka_replay", name, "--from", "earliest", "--rebuild")
        assert set(committed(name, topic.full_name).values()) == {0}, f"{name} reads its topic from the start"
        assert not ProcessedEvent.objects.filter(consumer=name).exists(), f"{name} forgot what it applied"
        emptied = snapshot()
        if name == "room-stats":
            assert {(count, seq) for _, count, seq in emptied} == {(0, 0)}, "every room at 0 players, change 0"
        else:
            assert emptied == []

    for name in PROJECTIONS:
        consumer_process(name)
    wait_for(lambda: all(caught_up(kafka, name) for name in PROJECTIONS), what="the replays to catch up")
    assert {name: snapshot() for name, (_, snapshot) in PROJECTIONS.items()} == before


def test_from_a_time_each_partition_reads_from_its_first_event_at_or_after_it(kafka, make_player):
    speaker = make_player()
    topic = CHAT_MESSAGES.full_name

    def say(room: Room) -> None:
        publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text="hi"), actor=speaker.pk)

    # Early lines in rooms on at least two partitions; later lines in one of them only.
    rooms: list[Room] = []
    while len({m.partition() for m in kafka.read(topic, len(rooms))}) < 2:
        rooms.append(Room.objects.create(owner=speaker, name=f"Room {len(rooms)}", floor_plan="00", door_x=0, door_y=0))
        say(rooms[-1])
    early = kafka.read(topic, len(rooms))
    last_early_ms = max(m.timestamp()[1] for m in early)
    wait_for(lambda: time.time() * 1000 > last_early_ms + 1, what="a later millisecond")
    say(rooms[0])
    say(rooms[0])
    messages = kafka.read(topic, len(rooms) + 2)
    at_ms = min(m.timestamp()[1] for m in messages if m.timestamp()[1] > last_early_ms)
    ends = {p: sum(1 for m in messages if m.partition() == p) for p in range(CHAT_MESSAGES.partitions)}
    expected = {
        p: min((m.offset() for m in messages if m.partition() == p and m.timestamp()[1] >= at_ms), default=ends[p])
        for p in ends
    }
    assert any(expected[p] == ends[p] > 0 for p in ends), "a partition with events only before the time goes to its end"
    assert any(expected[p] < ends[p] for p in ends), "a partition with later events goes to the first of them"

    when = datetime.fromtimestamp(at_ms / 1000, tz=UTC).isoformat()
    out = StringIO()
    call_command("kafka_replay", "chat-history", "--from", when, stdout=out)

    assert committed("chat-history", topic) == expected
    printed = [line.split() for line in out.getvalue().splitlines()[1:-1]]
    assert {int(row[0]): (row[1], int(row[2]), int(row[3])) for row in printed} == {
        p: ("-", ends[p], expected[p]) for p in ends
    }, "each partition: never committed, its end, where it now starts"
    reader = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": f"test-{uuid.uuid4().hex}"})
    try:
        found = reader.offsets_for_times([TopicPartition(topic, p, at_ms) for p in ends], timeout=10)
    finally:
        reader.close()
    assert {tp.partition: tp.offset if tp.offset >= 0 else ends[tp.partition] for tp in found} == expected


def test_only_a_registered_read_model_is_rebuilt_and_only_from_the_start(kafka):
    assert {name for name, spec in CONSUMERS.items() if spec.rebuild} == {"room-stats", "visit-log", "chat-history", "sales"}
    with pytest.raises(CommandError, match="economy does not only build a read model"):
        call_command("kafka_replay", "economy", "--from", "earliest", "--rebuild")
    with pytest.raises(CommandError, match="replay it --from earliest"):
        call_command("kafka_replay", "visit-log", "--from", "2030-01-01T00:00:00+00:00", "--rebuild")
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("kafka_replay", "visit-log", "--from", "yesterday")
    assert committed("visit-log", ROOM_EVENTS.full_name) == dict.fromkeys(range(ROOM_EVENTS.partitions), -1001)
