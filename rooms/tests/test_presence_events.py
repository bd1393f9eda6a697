"""Presence and chat through Kafka: room.user_entered/left feed two
independent consumer groups (room stats, visit log); chat lines reach the
history. Real daphne, Kafka, consumers and PostgreSQL."""

import asyncio
import json
import signal

import pytest
from websockets.asyncio.client import connect

from chat.models import ChatLine
from conftest import session_cookie, stay_in_room, wait_for
from habbo.models import ProcessedEvent
from rooms.models import Room, Visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Counted room", floor_plan="0000\n0000\n0000", door_x=0, door_y=0)


def applied(consumer: str) -> int:
    return ProcessedEvent.objects.filter(consumer=consumer).count()


def player_count(room) -> int:
    room.refresh_from_db()
    return room.player_count


def leave(client):
    client.terminate()
    client.wait()


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0, "SIGTERM finishes the batch, commits and exits cleanly"


def test_stats_and_visit_log_are_independent_and_catch_up(daphne_server, consumer_process, room, make_player):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    stats = consumer_process("room-stats")
    visits = consumer_process("visit-log")

    in_room = stay_in_room(server, room, alice)
    wait_for(lambda: player_count(room) == 1, what="alice counted")
    wait_for(lambda: Visit.objects.filter(user=alice, entered_at__isnull=False).exists(), what="alice's visit")

    stop(visits)
    leave(in_room)
    bob_in_room = stay_in_room(server, room, bob)
    wait_for(lambda: applied("room-stats") == 3, what="stats going on without the visit log")
    assert player_count(room) == 1
    assert not Visit.objects.filter(left_at__isnull=False).exists(), "the visit log is stopped"

    consumer_process("visit-log")
    wait_for(lambda: applied("visit-log") == 3, what="the visit log catching up")
    alice_visit = Visit.objects.get(user=alice)
    assert alice_visit.room_id == room.pk and alice_visit.left_at > alice_visit.entered_at
    assert Visit.objects.get(user=bob).left_at is None

    stop(stats)
    leave(bob_in_room)
    wait_for(lambda: applied("visit-log") == 4, what="bob's leaving in the visit log")
    assert player_count(room) == 1, "the stats consumer is stopped"
    consumer_process("room-stats")
    wait_for(lambda: applied("room-stats") == 4, what="the stats catching up")
    assert player_count(room) == 0
    assert Visit.objects.count() == 2 and not Visit.objects.filter(left_at__isnull=True).exists()


def test_every_line_anyone_saw_is_in_the_history(daphne_server, consumer_process, room, make_player):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    cookies = {user.username: session_cookie(user) for user in (alice, bob)}

    async def talk():
        url = f"{server.ws_url}/ws/rooms/{room.pk}/"

        def socket(name):
            return connect(url, origin=server.url, additional_headers={"Cookie": f"sessionid={cookies[name]}"})

        async with socket("alice") as a, socket("bob") as b:
            await b.recv()
            await a.send(json.dumps({"type": "say", "text": "first!"}))
            await a.send(json.dumps({"type": "whisper", "to": "bob", "text": "just for you"}))
            seen = []
            async with asyncio.timeout(10):
                while len(seen) < 2:
                    message = json.loads(await b.recv())
                    if message["type"] == "chat":
                        seen.append((message["kind"], message["text"]))
            return seen

    seen = asyncio.run(talk())
    assert seen == [("say", "first!"), ("whisper", "just for you")]
    consumer_process("chat-history")
    wait_for(lambda: ChatLine.objects.count() == 2, what="both lines stored")
    say = ChatLine.objects.get(kind="say")
    assert (say.room_id, say.user_id, say.text, say.recipient_id) == (room.pk, alice.pk, "first!", None)
    assert ChatLine.objects.get(kind="whisper").recipient_id == bob.pk
