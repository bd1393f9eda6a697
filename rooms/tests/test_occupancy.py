"""The navigator's player count follows the live room state: a
room.user_entered or room.user_left is parked in the outbox in the same step
that lets the player in or takes the avatar out, so a web process killed
while Kafka is down loses none, and each event carries the count after it,
so the latest change's count holds whatever the order.
Real daphne, Redis, Kafka, consumers and PostgreSQL."""

import asyncio
import json
import signal
import uuid

import pytest

from conftest import kafka_stopped, stay_in_room, wait_for
from habbo.bus.outbox import outbox_key
from habbo.models import ProcessedEvent
from habbo.redis import redis
from rooms import handlers
from rooms.events import UserEntered, UserLeft
from rooms.live import LiveRoom
from rooms.models import Room

pytestmark = [pytest.mark.durable, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def room(make_player):
    return Room.objects.create(owner=make_player("owner"), name="Counted room", floor_plan="0000\n0000", door_x=0, door_y=0)


def player_count(room) -> int:
    room.refresh_from_db()
    return room.player_count


def parked(room) -> list[dict]:
    async def read():
        return [json.loads(raw) for raw in await redis().lrange(outbox_key(LiveRoom(room.pk).tag), 0, -1)]

    return asyncio.run(read())


def in_room(room) -> set[int]:
    async def read():
        return {a.id for a in await LiveRoom(room.pk).avatars()}

    return asyncio.run(read())


@pytest.mark.kafka_outage
def test_a_leave_while_kafka_is_down_survives_its_web_process(daphne_server, consumer_process, room, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    consumer_process("room-stats")
    one = daphne_server()
    alice_client = stay_in_room(one, room, alice)
    wait_for(lambda: player_count(room) == 1, what="alice counted")

    with kafka_stopped():
        alice_client.terminate()
        alice_client.wait()
        # Out of the room and parked in one step; her process is killed while it waits for Kafka.
        wait_for(lambda: alice.pk not in in_room(room), what="alice out of the live room")
        assert [e["envelope"]["type"] for e in parked(room)] == ["room.user_left"]
        assert parked(room)[0]["envelope"]["payload"]["present"] == 0
        one.proc.send_signal(signal.SIGKILL)
        one.proc.wait()

    # Another process drains the outbox (at an entry, or its room's heartbeat).
    two = daphne_server()
    bob_client = stay_in_room(two, room, bob)
    try:
        wait_for(lambda: not parked(room), timeout=60, what="the outbox drained")
        wait_for(lambda: ProcessedEvent.objects.filter(consumer="room-stats").count() == 3, what="all three applied")
        assert player_count(room) == 1 == len(in_room(room))
    finally:
        bob_client.kill()
        bob_client.wait()


@pytest.mark.kafka_outage
def test_an_entry_while_kafka_is_down_lets_the_player_in_and_survives_its_web_process(
    daphne_server, consumer_process, room, make_player
):
    alice, bob = make_player("alice"), make_player("bob")
    consumer_process("room-stats")
    one = daphne_server()
    with kafka_stopped():
        alice_client = stay_in_room(one, room, alice)
        # In the room, with her room.user_entered parked in the same step;
        # her process is killed before Kafka could take it.
        assert alice.pk in in_room(room)
        assert [(e["envelope"]["type"], e["envelope"]["payload"]["present"]) for e in parked(room)] == [
            ("room.user_entered", 1)
        ]
        entered_id = parked(room)[0]["envelope"]["id"]
        one.proc.send_signal(signal.SIGKILL)
        one.proc.wait()
        alice_client.kill()
        alice_client.wait()

    two = daphne_server()
    bob_client = stay_in_room(two, room, bob)
    try:
        wait_for(lambda: not parked(room), timeout=60, what="the outbox drained")
        # Her entry was counted, from the outbox; the count follows the room
        # (her avatar stays until its missed heartbeats clear it).
        wait_for(lambda: ProcessedEvent.objects.filter(consumer="room-stats", event_id=entered_id).exists(),
                 what="alice's entry applied")
        wait_for(lambda: player_count(room) == len(in_room(room)), what="the count following the room")
    finally:
        bob_client.kill()
        bob_client.wait()


def test_the_latest_change_holds_whatever_the_order(room, make_player):
    """Events arrive late (parked) or twice: the count is the one of the change
    with the highest number, not a sum of +1 and -1."""
    visit = uuid.uuid4()
    entered = UserEntered(room_id=room.pk, user_id=room.owner_id, visit_id=visit, present=1, seq=100)
    left = UserLeft(room_id=room.pk, user_id=room.owner_id, visit_id=visit, present=0, seq=101)
    other_entered = UserEntered(room_id=room.pk, user_id=room.owner_id, visit_id=uuid.uuid4(), present=1, seq=102)

    handlers.stats_user_entered(entered, None)
    assert player_count(room) == 1
    handlers.stats_user_entered(other_entered, None)
    handlers.stats_user_left(left, None)  # late: an older change
    assert player_count(room) == 1
    handlers.stats_user_entered(entered, None)  # again
    assert player_count(room) == 1


def test_events_from_before_the_count_still_count_one_by_one(room, make_player):
    visit = uuid.uuid4()
    handlers.stats_user_entered(UserEntered(room_id=room.pk, user_id=room.owner_id, visit_id=visit), None)
    handlers.stats_user_entered(UserEntered(room_id=room.pk, user_id=room.owner_id, visit_id=uuid.uuid4()), None)
    handlers.stats_user_left(UserLeft(room_id=room.pk, user_id=room.owner_id, visit_id=visit), None)
    assert player_count(room) == 1
