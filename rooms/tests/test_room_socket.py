"""The room socket's protocol, through Channels' WebsocketCommunicator over
the real Redis channel layer and live state, with Kafka for presence and chat."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from chat.flood import FLOOD_LINES
from conftest import kafka_stopped
from habbo.bus import outbox
from habbo.bus.outbox import outbox_key
from habbo.redis import redis
from habbo.routing import websocket_urlpatterns
from rooms import frames
from rooms.live import STEP_MS, Avatar, LiveRoom, now_ms
from rooms.models import Room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kafka", "thread_connections_closed")]

PLAN = "\n".join(["00000x00", "00000x00", "00000x00", "00000000", "0000xxxx", "00000000"])


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Socket room", floor_plan=PLAN, door_x=0, door_y=0, capacity=10)


def sent(message: dict) -> dict:
    """A frame as received, checked against its one definition (rooms.frames)."""
    frames.AnyFrame.validate_python(message)
    return message


class Player:
    """One connected socket, with helpers to read what the server sends."""

    def __init__(self, user, room):
        self.user = user
        self.socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/rooms/{room.pk}/")
        self.socket.scope["user"] = user

    async def connect(self) -> dict:
        connected, _ = await self.socket.connect()
        assert connected
        return sent(await self.socket.receive_json_from(timeout=10))

    async def send(self, message):
        await self.socket.send_json_to(message)

    async def upto(self, type_: str, timeout: float = 5, where=lambda message: True) -> list[dict]:
        """Every message up to and including the next one of this type."""
        deadline = asyncio.get_running_loop().time() + timeout
        received = []
        while True:
            message = sent(
                await self.socket.receive_json_from(timeout=max(0.05, deadline - asyncio.get_running_loop().time()))
            )
            received.append(message)
            if message["type"] == type_ and where(message):
                return received

    async def next(self, type_: str, timeout: float = 5, where=lambda message: True) -> dict:
        """The next message of this type (others in between are skipped)."""
        return (await self.upto(type_, timeout, where))[-1]

    async def before_my_wave(self, waver: "Player") -> list[dict]:
        """What arrives before a wave `waver` sends now: a sentinel. Room
        broadcasts arrive in the order they were published, and a socket's
        messages are handled one after another, so whatever `waver` caused
        before would have arrived by then."""
        await waver.send({"type": "wave"})
        return (await self.upto("wave", where=lambda m: m["user"] == waver.user.pk))[:-1]

    async def closed_with(self, timeout: float = 5) -> tuple[int, str]:
        output = await self.socket.receive_output(timeout=timeout)
        while output["type"] != "websocket.close":
            output = await self.socket.receive_output(timeout=timeout)
        return output.get("code"), output.get("reason")


async def eventually(check, what: str, timeout: float = 10) -> None:
    """Poll an async check until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def joined(make_player, room, name=None) -> Player:
    player = Player(await sync_to_async(make_player)(name), room)
    snapshot = await player.connect()
    assert snapshot["type"] == "snapshot"
    player.entry = next(a["path"] for a in snapshot["avatars"] if a["id"] == player.user.pk)  # door → a free tile
    return player


async def test_snapshot_shows_the_room_and_everyone_in_it(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = Player(await sync_to_async(make_player)("bob"), room)
    snapshot = await bob.connect()
    assert snapshot["room"]["floor_plan"] == PLAN.split("\n")
    assert snapshot["room"]["door"] == [0, 0]
    assert snapshot["you"] == bob.user.pk
    assert {a["name"] for a in snapshot["avatars"]} == {"alice", "bob"}
    assert all(a["path"][0] == [0, 0] for a in snapshot["avatars"]), "each came in at the door"
    entered = await alice.next("user_entered", where=lambda m: m["user"]["name"] != "alice")
    assert entered["user"]["name"] == "bob" and entered["user"]["figure"]["shirt"] == bob.user.figure_shirt
    assert "conn" not in entered["user"] and "channel" not in entered["user"]
    await bob.socket.disconnect()
    assert (await alice.next("user_left"))["user"] == bob.user.pk
    await alice.socket.disconnect()


async def test_entering_shows_the_last_public_lines(make_player, room, clean_redis):
    speaker, other = await sync_to_async(make_player)("speaker"), await sync_to_async(make_player)("other")

    def history():
        from django.utils import timezone

        from chat.models import ChatLine

        now = timezone.now()
        for i in range(25):
            ChatLine.objects.create(room=room, user=speaker, text=f"line {i}", said_at=now + timezone.timedelta(seconds=i))
        ChatLine.objects.create(room=room, user=speaker, kind="whisper", recipient=other, text="secret",
                                said_at=now + timezone.timedelta(seconds=30))

    await sync_to_async(history)()
    snapshot = await Player(await sync_to_async(make_player)(), room).connect()
    assert [line["text"] for line in snapshot["chat"]] == [f"line {i}" for i in range(5, 25)]
    assert snapshot["chat"][-1]["name"] == "speaker"


async def test_anonymous_unknown_room_and_full_room_are_refused(make_player, room, clean_redis):
    from django.contrib.auth.models import AnonymousUser

    anonymous = Player(AnonymousUser(), room)
    await anonymous.socket.connect()
    assert await anonymous.closed_with() == (4401, "log in first")

    missing = Player(await sync_to_async(make_player)(), room)
    missing.socket = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), "/ws/rooms/00000000-0000-0000-0000-000000000000/"
    )
    missing.socket.scope["user"] = missing.user
    await missing.socket.connect()
    assert await missing.closed_with() == (4404, "no such room")

    live = LiveRoom(room.pk)
    for uid in range(1_000_000, 1_000_000 + room.capacity):
        await live.join(Avatar(uid, f"ghost{uid}", {}, [(0, 0)], now_ms(), "c", "ch", uuid.uuid4().hex), room.capacity)
    late = Player(await sync_to_async(make_player)(), room)
    await late.socket.connect()
    assert await late.closed_with() == (4403, "the room is full")


@pytest.mark.parametrize(
    "message, error",
    [
        # In the player's words (rooms.protocol's refusals), never pydantic's.
        ({"type": "walk", "x": -1, "y": 0}, "You can only walk to a tile of the room."),
        ({"type": "walk", "x": 1}, "You can only walk to a tile of the room."),
        ({"type": "say", "text": "x" * 101}, "A chat line is 1 to 100 characters long."),
        ({"type": "say", "text": "   "}, "A chat line is 1 to 100 characters long."),
        ({"type": "say", "text": "nul\u0000byte"}, "U+0000 is a control character"),
        ({"type": "whisper", "text": "hi"}, "Type the name of the player in this room to whisper to."),
        ({"type": "fly"}, "The hotel did not understand that, so nothing was done."),
        ({"type": "wave", "extra": 1}, "The hotel did not understand that, so nothing was done."),
        ({}, "The hotel did not understand that, so nothing was done."),
    ],
)
async def test_invalid_messages_get_an_error_and_the_socket_stays_open(make_player, room, clean_redis, message, error):
    player = await joined(make_player, room)
    await player.send(message)
    reply = await player.next("error")
    assert reply["code"] == "invalid" and error in reply["message"]
    await player.send({"type": "wave"})
    assert (await player.next("wave"))["user"] == player.user.pk
    await player.socket.disconnect()


@pytest.mark.parametrize(
    "frame, code",
    [
        ({"text_data": "{not json"}, 4007),
        ({"text_data": "[1, 2]"}, 4007),
        ({"text_data": "[" * 5000}, 4007),  # nesting deep enough to blow the parser's recursion limit
        ({"bytes_data": b"\x00\x01"}, 4003),
    ],
)
async def test_garbage_and_binary_frames_close_the_socket(make_player, room, clean_redis, frame, code):
    player = await joined(make_player, room)
    await player.socket.send_to(**frame)
    assert (await player.closed_with())[0] == code


async def test_walk_goes_round_walls_one_tile_at_a_time(make_player, room, clean_redis):
    player = await joined(make_player, room)
    await player.send({"type": "walk", "x": 7, "y": 0})
    walk = await player.next("walk")
    path = [tuple(t) for t in walk["path"]]
    rows = PLAN.split("\n")
    # From where it stepped in to from the door (the walk turns there, or starts there).
    assert path[0] == tuple(player.entry[-1]) and path[-1] == (7, 0)
    assert all(rows[y][x] != "x" for x, y in path), "never through a wall"
    assert all(max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1 for a, b in zip(path, path[1:]))
    assert (3, 4) not in path and not any(x == 5 and y < 3 for x, y in path)
    await player.socket.disconnect()


async def test_a_wall_target_walks_to_the_nearest_tile(make_player, room, clean_redis):
    player = await joined(make_player, room)
    await player.send({"type": "walk", "x": 5, "y": 1})  # the wall column
    walk = await player.next("walk")
    assert tuple(walk["path"][-1]) in {(4, 1), (6, 1), (4, 0), (4, 2)}
    await player.socket.disconnect()


async def test_sending_faster_does_not_walk_faster(make_player, room, clean_redis):
    player = await joined(make_player, room)
    await player.send({"type": "walk", "x": 4, "y": 0})
    previous = first = await player.next("walk")
    for target in [(4, 3), (0, 3), (3, 3), (7, 5), (0, 5)]:
        sent_at = now_ms()
        await player.send({"type": "walk", "x": target[0], "y": target[1]})
        walk = await player.next("walk")
        # A new walk turns at the next tile of the old one, and not before it is reached.
        assert walk["started_at"] >= sent_at - 5
        assert walk["path"][0] in previous["path"]
        previous = walk
    avatar = await LiveRoom(room.pk).get(player.user.pk)
    x, y = avatar.position(now_ms())
    steps_allowed = (now_ms() - first["started_at"]) // STEP_MS + 1
    x0, y0 = first["path"][0]
    assert max(abs(x - x0), abs(y - y0)) <= steps_allowed, "no further than 2 tiles a second allow"
    await player.socket.disconnect()


async def test_a_burst_of_messages_is_slowed_down(make_player, room, clean_redis):
    player = await joined(make_player, room)
    for _ in range(40):
        await player.send({"type": "wave"})
    # Each one comes back either as the room's wave or as an error: 40 replies in all.
    replies = []
    while len(replies) < 40:
        message = await player.socket.receive_json_from(timeout=5)
        if message["type"] in ("wave", "error"):
            replies.append(message)
    assert {r["type"] for r in replies} == {"wave", "error"}, "the first ones go through, the rest are refused"
    assert {r["code"] for r in replies if r["type"] == "error"} == {"slow_down"}
    await player.socket.disconnect()


async def test_other_avatars_are_obstacles(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    await alice.send({"type": "walk", "x": 2, "y": 0})
    await alice.next("walk")

    async def arrived():
        return (await LiveRoom(room.pk).get(alice.user.pk)).position(now_ms()) == (2, 0)

    await eventually(arrived, "alice standing on (2, 0)")
    bob = await joined(make_player, room, "bob")
    await bob.send({"type": "walk", "x": 2, "y": 0})
    walk = await bob.next("walk")
    assert [2, 0] not in walk["path"] and walk["path"][-1] in ([1, 0], [1, 1], [2, 1], [3, 0], [3, 1])
    await alice.socket.disconnect()
    await bob.socket.disconnect()


async def test_avatars_on_other_processes_are_obstacles_before_and_after_they_walk(make_player, room, clean_redis):
    """A process reads where everyone stands when its first socket enters a
    room, and then follows the room's frames, whoever published them."""
    live = LiveRoom(room.pk)
    other = await sync_to_async(make_player)("elsewhere")
    avatar = Avatar(other.pk, "elsewhere", {}, [(2, 0)], now_ms(), "conn-elsewhere", "chan", uuid.uuid4().hex)
    await live.join(avatar, room.capacity)  # as a socket on another process would
    bob = await joined(make_player, room, "bob")
    await bob.send({"type": "walk", "x": 2, "y": 0})
    walk = await bob.next("walk")
    assert [2, 0] not in walk["path"]
    # It walks to (3, 3) on its process; the walk began long enough ago to be there now.
    moved = Avatar(**{**avatar.__dict__, "path": [(2, 0), (3, 1), (3, 2), (3, 3)], "started_at": now_ms() - 5000})
    assert await live.move(moved, frames.Walk(user=other.pk, path=moved.path, started_at=moved.started_at))
    await bob.next("walk", where=lambda m: m["user"] == other.pk)
    await bob.send({"type": "walk", "x": 3, "y": 3})
    walk = await bob.next("walk", where=lambda m: m["user"] == bob.user.pk)
    assert [3, 3] not in walk["path"]
    await bob.send({"type": "walk", "x": 2, "y": 0})
    walk = await bob.next("walk", where=lambda m: m["user"] == bob.user.pk)
    assert walk["path"][-1] == [2, 0]
    await bob.socket.disconnect()


async def test_say_and_shout_reach_everyone_as_text(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    await alice.send({"type": "say", "text": "  <b>hello</b>  "})
    for player in (alice, bob):
        line = await player.next("chat")
        assert (line["name"], line["kind"], line["text"]) == ("alice", "say", "<b>hello</b>")
    await bob.send({"type": "shout", "text": "HEY"})
    assert (await alice.next("chat"))["kind"] == "shout"
    await alice.socket.disconnect()
    await bob.socket.disconnect()


async def test_only_the_two_players_see_a_whisper(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    carol = await joined(make_player, room, "carol")
    await alice.send({"type": "whisper", "to": "bob", "text": "psst"})
    for player in (alice, bob):
        line = await player.next("chat")
        assert (line["kind"], line["text"], line["to"]) == ("whisper", "psst", bob.user.pk)
    assert "chat" not in [m["type"] for m in await carol.before_my_wave(alice)]
    await alice.send({"type": "whisper", "to": "nobody", "text": "hello?"})
    assert (await alice.next("error"))["code"] == "not_here"
    for player in (alice, bob, carol):
        await player.socket.disconnect()


async def test_flooding_mutes_and_nobody_sees_the_muted_lines(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    for i in range(FLOOD_LINES - 1):
        await alice.send({"type": "say", "text": f"line {i}"})
        assert (await bob.next("chat"))["text"] == f"line {i}"
    await alice.send({"type": "say", "text": "one too many"})
    error = await alice.next("error")
    assert error["code"] == "muted" and "30 s" in error["message"]
    await alice.send({"type": "say", "text": "still muted?"})
    assert (await alice.next("error"))["code"] == "muted"
    assert "chat" not in [m["type"] for m in await bob.before_my_wave(alice)]
    await alice.socket.disconnect()
    await bob.socket.disconnect()


async def test_a_second_login_closes_the_first_socket(make_player, room, clean_redis):
    user = await sync_to_async(make_player)("twice")
    watcher = await joined(make_player, room, "watcher")
    first = Player(user, room)
    await first.connect()
    await watcher.next("user_entered", where=lambda m: m["user"]["name"] == "twice")
    second = Player(user, room)
    snapshot = await second.connect()
    assert await first.closed_with() == (4409, "logged in elsewhere")
    assert [a["name"] for a in snapshot["avatars"]].count("twice") == 1
    # The first socket left before it closed; the second one's wave comes after anything that did.
    assert "user_left" not in [m["type"] for m in await watcher.before_my_wave(second)]
    assert [a.name for a in await LiveRoom(room.pk).avatars()].count("twice") == 1
    await second.socket.disconnect()
    assert (await watcher.next("user_left"))["user"] == user.pk
    await watcher.socket.disconnect()


async def test_players_entering_at_once_all_stay(make_player, room, clean_redis):
    players = [Player(await sync_to_async(make_player)(f"crowd{i}"), room) for i in range(room.capacity)]
    await asyncio.gather(*(p.connect() for p in players))
    assert len(await LiveRoom(room.pk).avatars()) == room.capacity
    for player in players:
        await player.send({"type": "walk", "x": 1, "y": 1})
        assert (await player.next("walk", where=lambda m, me=player.user.pk: m["user"] == me))["path"]
    for player in players:
        await player.socket.disconnect()


async def test_a_dead_process_avatar_is_cleared(make_player, room, clean_redis, settings):
    live = LiveRoom(room.pk)
    ghost = await sync_to_async(make_player)("ghost")
    await live.join(Avatar(ghost.pk, "ghost", {}, [(0, 0)], now_ms(), "gone", "gone", uuid.uuid4().hex), room.capacity)
    # Its socket's process last beat longer ago than the timeout, then died.
    last_beat = now_ms() - int(settings.ROOM_PRESENCE_TIMEOUT_S * 1000) - 1000
    await redis().hset(live.seen_key, ghost.pk, last_beat)
    player = Player(await sync_to_async(make_player)(), room)
    snapshot = await player.connect()
    assert "ghost" not in [a["name"] for a in snapshot["avatars"]]
    assert json.dumps(snapshot).count("ghost") == 0
    await player.socket.disconnect()


@pytest.mark.kafka_outage
async def test_kafka_down_no_line_is_shown_but_players_still_get_in(make_player, room, clean_redis):
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    late = Player(await sync_to_async(make_player)("late"), room)
    tag = LiveRoom(room.pk).tag
    with kafka_stopped():
        await alice.send({"type": "say", "text": "can anyone hear me?"})
        error = await alice.next("error", timeout=15)
        assert error["code"] == "unavailable" and "nobody saw it" in error["message"]
        snapshot = await late.connect()
        assert {a["name"] for a in snapshot["avatars"]} == {"alice", "bob", "late"}
        assert (await alice.next("user_entered"))["user"]["name"] == "late"
        # Its room.user_entered was parked in the step that let it in, with
        # the count after it, and stays parked while Kafka cannot take it.
        parked = [json.loads(raw)["envelope"] for raw in await redis().lrange(outbox_key(tag), 0, -1)]
        assert [(e["type"], e["payload"]["present"]) for e in parked if e["payload"]["user_id"] == late.user.pk] == [
            ("room.user_entered", 3)
        ]
    # Like a player would: say it again until the restarted broker takes it.
    # Each try gets one answer: the line, to everyone, or an error.
    for _ in range(6):
        await alice.send({"type": "say", "text": "back again"})
        reply = await alice.socket.receive_json_from(timeout=15)
        while reply["type"] not in ("chat", "error"):
            reply = await alice.socket.receive_json_from(timeout=15)
        if reply["type"] == "chat":
            break
        assert reply["code"] == "unavailable"
    # The first line bob sees is this one: the line said while Kafka was down never came.
    assert (await bob.next("chat", timeout=5))["text"] == "back again"
    # A drain (any process's, at its next entry or heartbeat) publishes the entry.
    for _ in range(30):
        if not await redis().llen(outbox_key(tag)):
            break
        await outbox.drain()
        await asyncio.sleep(0.5)
    assert await redis().llen(outbox_key(tag)) == 0
    await alice.socket.disconnect()
    await bob.socket.disconnect()
    await late.socket.disconnect()


async def test_a_socket_whose_avatar_was_cleared_is_closed(make_player, room, clean_redis, settings):
    settings.ROOM_HEARTBEAT_S = 0.2
    player = await joined(make_player, room)
    avatar = await LiveRoom(room.pk).get(player.user.pk)
    assert await LiveRoom(room.pk).remove(player.user.pk, avatar.conn)
    assert await player.closed_with() == (4408, "you are no longer in the room; reconnect")
    assert await LiveRoom(room.pk).avatars() == []


async def test_the_rooms_one_heartbeat_keeps_everyone_alive_and_closes_only_the_cleared(
    make_player, room, clean_redis, settings
):
    settings.ROOM_HEARTBEAT_S = 0.2
    live = LiveRoom(room.pk)
    alice = await joined(make_player, room, "alice")
    bob = await joined(make_player, room, "bob")
    assert await live.remove(bob.user.pk, (await live.get(bob.user.pk)).conn)
    assert (await bob.closed_with())[0] == 4408
    seen = int(await redis().hget(live.seen_key, alice.user.pk))

    async def beaten_again():
        return int(await redis().hget(live.seen_key, alice.user.pk)) > seen

    await eventually(beaten_again, "alice's next heartbeat")
    await alice.send({"type": "walk", "x": 1, "y": 0})
    assert (await alice.next("walk"))["user"] == alice.user.pk  # still open, still in
    await alice.socket.disconnect()


async def test_a_heartbeat_names_the_stale_connection_not_the_player(make_player, room, clean_redis):
    """A second login in the same room on the same process beats with the same
    user id: only the old connection may be closed."""
    live = LiveRoom(room.pk)
    player = await sync_to_async(make_player)("twice")
    avatar = Avatar(player.pk, "twice", {}, [(0, 0)], now_ms(), "old", "chan-old", uuid.uuid4().hex)
    await live.join(avatar, room.capacity)
    await live.join(Avatar(**{**avatar.__dict__, "conn": "new", "channel": "chan-new"}), room.capacity)
    assert await live.heartbeat([(player.pk, "old"), (player.pk, "new")]) == {"old"}


async def test_failing_to_enter_another_room_keeps_the_current_one(make_player, room, clean_redis):
    user = await sync_to_async(make_player)("mover")
    here = Player(user, room)
    await here.connect()
    full = await sync_to_async(Room.objects.create)(
        owner=user, name="Full room", floor_plan="000\n000", door_x=0, door_y=0, capacity=10
    )
    live = LiveRoom(full.pk)
    for uid in range(2_000_000, 2_000_010):
        await live.join(Avatar(uid, f"g{uid}", {}, [(0, 0)], now_ms(), "c", "ch", uuid.uuid4().hex), 10)
    there = Player(user, full)
    await there.socket.connect()
    assert (await there.closed_with())[0] == 4403
    await here.send({"type": "wave"})
    assert (await here.next("wave"))["user"] == user.pk, "the first socket is still in its room"
    await here.socket.disconnect()
