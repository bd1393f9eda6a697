"""Two real daphne processes and real WebSocket clients: live room state is
in Redis, so players on different processes see each other; a silent drop
and a dead process are cleaned up."""

import asyncio
import json
import signal
import uuid

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conftest import next_of, room_socket, session_cookie, stay_in_room
from habbo.sockets import CLIENT_MESSAGE_MAX
from rooms.live import Avatar, LiveRoom, now_ms
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Shared room", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=0)


def test_a_walk_on_one_process_is_seen_on_the_other(daphne_server, room, make_player):
    one, two = daphne_server(), daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario():
        async with room_socket(one, room, alice_cookie) as a:
            # Alice is in once her snapshot comes (a socket is accepted before
            # it enters): only then does bob's entry find her in Redis.
            assert (await next_of(a, "snapshot"))["you"] == alice.pk
            async with room_socket(two, room, bob_cookie) as b:
                snapshot = await next_of(b, "snapshot")
                assert "alice" in [p["name"] for p in snapshot["avatars"]], "bob's process sees alice from Redis"
                await next_of(a, "user_entered", where=lambda m: m["user"]["name"] == "bob")

                await a.send(json.dumps({"type": "walk", "x": 4, "y": 3}))
                walk = await next_of(b, "walk")
                assert walk["user"] == alice.pk and walk["path"][-1] == [4, 3]
                await b.send(json.dumps({"type": "say", "text": "hi from two"}))
                line = await next_of(a, "chat")
                assert (line["name"], line["text"]) == ("bob", "hi from two")

    asyncio.run(scenario())


def test_a_silent_drop_is_cleaned_up(daphne_server, room, make_player):
    one, two = daphne_server(), daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    bob_cookie = session_cookie(bob)
    client = stay_in_room(one, room, alice)
    try:

        async def watch():
            async with room_socket(two, room, bob_cookie) as b:
                snapshot = await next_of(b, "snapshot")
                assert "alice" in [p["name"] for p in snapshot["avatars"]]
                client.send_signal(signal.SIGSTOP)  # no close frame, no more pongs
                left = await next_of(b, "user_left", timeout=20)
                assert left["user"] == alice.pk

        asyncio.run(watch())
    finally:
        client.kill()
        client.wait()


def test_a_dead_process_players_are_cleared_by_another(daphne_server, room, make_player):
    one, two = daphne_server(), daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario():
        async with room_socket(one, room, alice_cookie) as a:
            await next_of(a, "snapshot")
            async with room_socket(two, room, bob_cookie) as b:
                await next_of(b, "snapshot")
                one.proc.send_signal(signal.SIGKILL)  # no disconnect handler runs there
                left = await next_of(b, "user_left", timeout=20)
                assert left["user"] == alice.pk
            async with room_socket(two, room, bob_cookie) as b:
                assert [p["name"] for p in (await next_of(b, "snapshot"))["avatars"]] == ["bob"]

    asyncio.run(scenario())


def test_foreign_origins_and_oversized_frames_are_refused(daphne_server, room, make_player):
    server = daphne_server()
    cookie = session_cookie(make_player("alice"))

    async def scenario():
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"{server.ws_url}/ws/rooms/{room.pk}/", origin="http://evil.example",
                               additional_headers={"Cookie": f"sessionid={cookie}"}):
                pass
        assert refused.value.response.status_code == 403
        async with room_socket(server, room, cookie) as ws:
            await next_of(ws, "snapshot")
            await ws.send(json.dumps({"type": "say", "text": "x" * 20_000}))
            with pytest.raises(ConnectionClosed) as closed:
                while True:  # frames already on their way (its own user_entered) come first
                    await asyncio.wait_for(ws.recv(), 10)
            # Daphne drops it (1009 "message too big", or no close frame at all).
            assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
        async with room_socket(server, room, cookie) as ws:  # the server carries on
            assert (await next_of(ws, "snapshot"))["room"]["name"] == "Shared room"
            await ws.send(b"\x00\x01")
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd.code == 4003  # (Daphne sends no reason)

    asyncio.run(scenario())


def test_a_crowded_rooms_snapshot_may_be_bigger_than_what_a_client_may_send(daphne_server, make_player):
    """Daphne's message limit bounds both ways; a client's messages are bounded
    by the room socket instead, so a full room's snapshot still gets through."""
    server = daphne_server(ROOM_PRESENCE_TIMEOUT_S="60")
    ballroom = Room.objects.create(owner=make_player("host"), name="Ballroom", floor_plan="\n".join(["0" * 16] * 16),
                                   door_x=0, door_y=0, capacity=200)
    cookie = session_cookie(make_player("alice"))

    async def scenario():
        live = LiveRoom(ballroom.pk)
        for uid in range(2_000_000, 2_000_120):
            ghost = Avatar(uid, f"{'g' * 140}{uid}", {}, [(uid % 16, uid // 16 % 16)], now_ms(), "c", "ch", uuid.uuid4().hex)
            await live.join(ghost, ballroom.capacity)
        async with room_socket(server, ballroom, cookie) as ws:
            raw = await asyncio.wait_for(ws.recv(), 10)
            assert len(raw) > CLIENT_MESSAGE_MAX
            assert len(json.loads(raw)["avatars"]) == 121
            half = "x" * (CLIENT_MESSAGE_MAX // 2 + 100)
            await ws.send([f'{{"type": "say", "text": "{half}', f'{half}"}}'])  # one message in two frames
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd.code == 4009  # (Daphne sends no reason)

    asyncio.run(scenario())
