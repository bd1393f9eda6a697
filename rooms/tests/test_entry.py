"""Entering a room: the avatar appears at the door and steps in to the
nearest free tile, which every socket in the room sees; two entering at
once never pick the same tile (the rule, the Redis entry script, and the
real socket over Redis and Kafka)."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async

from rooms.floorplan import FloorPlan
from rooms.frames import Wave
from rooms.live import JOINED, STEP_MS, TAKEN, Avatar, LiveRoom, now_ms
from rooms.models import Room
from rooms.movement import entry_walk, taken_tiles
from rooms.tests.test_room_socket import Player

SQUARE = FloorPlan.parse("\n".join(["00000"] * 5), door_x=0, door_y=2)  # the door in the left wall


def test_the_first_step_is_straight_in_through_the_door():
    assert entry_walk(SQUARE, set(), set()) == [(0, 2), (1, 2)]


def test_a_taken_tile_is_passed_over_for_the_next_nearest_the_front_one_first():
    assert entry_walk(SQUARE, set(), {(1, 2)}) == [(0, 2), (0, 3)]
    assert entry_walk(SQUARE, set(), {(1, 2), (0, 3)}) == [(0, 2), (0, 1)]


def test_a_crowd_at_the_door_is_passed_through_to_a_free_tile():
    crowd = {(1, 2), (0, 1), (0, 3), (1, 1), (1, 3)}
    assert entry_walk(SQUARE, set(), crowd) == [(0, 2), (1, 2), (2, 2)]


def test_furniture_is_never_walked_through_and_a_walled_in_door_stays_put():
    assert entry_walk(SQUARE, {(1, 2)}, set()) == [(0, 2), (0, 3)]
    assert entry_walk(SQUARE, {(1, 2), (0, 1), (0, 3), (1, 1), (1, 3)}, set()) == [(0, 2)]


def test_taken_tiles_are_where_others_stand_step_and_head():
    now = now_ms()
    standing = {1: ([(0, 2), (1, 2), (2, 2), (3, 2)], now - STEP_MS // 2), 2: ([(4, 4)], now), 3: ([(0, 0)], now)}
    assert taken_tiles(standing, now, but=3) == {(0, 2), (1, 2), (3, 2), (4, 4)}


def _avatar(user_id: int, path, started_at: int) -> Avatar:
    return Avatar(user_id, f"p{user_id}", {}, path, started_at, uuid.uuid4().hex, "channel", uuid.uuid4().hex)


async def test_the_entry_script_refuses_a_tile_someone_took_meanwhile(clean_redis):
    live = LiveRoom(uuid.uuid4())
    now = now_ms()
    assert (await live.join(_avatar(1, [(0, 2), (1, 2)], now), 10, target=(1, 2))).outcome == JOINED
    late = _avatar(2, [(0, 2), (1, 2)], now)
    assert (await live.join(late, 10, target=(1, 2))).outcome == TAKEN
    assert await live.get(2) is None, "a refused entry stores nothing"
    # Heading there counts too (the first one is still at the door, walking in).
    assert (await live.join(_avatar(3, [(0, 2), (0, 1)], now), 10, target=(0, 1))).outcome == JOINED
    assert (await live.join(_avatar(4, [(0, 2), (1, 1), (2, 1), (3, 1)], now), 10, target=(3, 1))).outcome == JOINED
    assert (await live.join(_avatar(5, [(0, 2), (0, 3)], now), 10, target=(3, 1))).outcome == TAKEN
    assert (await live.join(_avatar(5, [(0, 2), (0, 3)], now), 10, target=(2, 1))).outcome == JOINED


async def test_the_entry_script_finds_tiles_in_avatars_the_scripts_wrote_and_in_big_rooms(clean_redis):
    """The script decodes only avatars whose JSON holds the tile's text: it
    must find it as the scripts' own JSON encoder writes it too, and tell
    (1, 23) from (12, 3) and (2, 3)."""
    live = LiveRoom(uuid.uuid4())
    now = now_ms()
    first = _avatar(1, [(0, 2)], now)
    assert (await live.join(first, 10)).outcome == JOINED
    # Rewritten by a script (its cjson), standing at (12, 3).
    assert await live.change(1, first.conn, {"path": [[12, 3]], "started_at": now}, Wave(user=1))
    assert '"path":[[12,3]]' in (await live.stored())["1"]
    assert (await live.join(_avatar(2, [(0, 2), (12, 3)], now), 10, target=(12, 3))).outcome == TAKEN
    assert (await live.join(_avatar(2, [(0, 2), (2, 3)], now), 10, target=(2, 3))).outcome == JOINED
    assert (await live.join(_avatar(3, [(0, 2), (1, 23)], now), 10, target=(1, 23))).outcome == JOINED
    assert (await live.join(_avatar(4, [(0, 2), (1, 23)], now), 10, target=(1, 23))).outcome == TAKEN


@pytest.fixture
def room(make_player):
    return Room.objects.create(
        owner=make_player("owner"), name="Entry hall", floor_plan="\n".join(["00000"] * 5), door_x=0, door_y=2
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kafka", "thread_connections_closed")
async def test_everyone_sees_an_entering_avatar_step_in_from_the_door(make_player, room, clean_redis):
    alice = Player(await sync_to_async(make_player)("alice"), room)
    snapshot = await alice.connect()
    me = next(a for a in snapshot["avatars"] if a["name"] == "alice")
    assert me["path"] == [[0, 2], [1, 2]], "at the door, stepping straight in"
    assert snapshot["room"]["wallpaper"] == "#b6bccb" and snapshot["room"]["floor"] == "#989865"

    bob = Player(await sync_to_async(make_player)("bob"), room)
    seen_by_bob = await bob.connect()
    entered = await alice.next("user_entered", where=lambda m: m["user"]["name"] == "bob")
    assert entered["user"]["path"][0] == [0, 2] and entered["user"]["path"][-1] not in ([0, 2], [1, 2])
    bob_there = next(a for a in seen_by_bob["avatars"] if a["name"] == "bob")
    assert bob_there["path"] == entered["user"]["path"], "everyone sees the same step"
    await alice.socket.disconnect()
    await bob.socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kafka", "thread_connections_closed")
async def test_players_entering_at_once_step_to_different_tiles(make_player, room, clean_redis, monkeypatch):
    """Through one process they take turns, so none has to look again."""
    attempts, join = [], LiveRoom.join

    async def counted(self, avatar, capacity, **options):
        attempts.append(avatar.id)
        return await join(self, avatar, capacity, **options)

    monkeypatch.setattr(LiveRoom, "join", counted)
    players = [Player(await sync_to_async(make_player)(f"crowd{i}"), room) for i in range(6)]
    await asyncio.gather(*(p.connect() for p in players))
    avatars = await LiveRoom(room.pk).avatars()
    ends = [a.path[-1] for a in avatars]
    assert len(avatars) == 6 and len(set(ends)) == 6, f"each on a tile of their own: {ends}"
    assert sorted(attempts) == sorted(p.user.pk for p in players), "one attempt each"
    assert all(a.path[0] == (0, 2) and a.path[-1] != (0, 2) for a in avatars)
    for p in players:
        await p.socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kafka", "clean_redis", "thread_connections_closed")
async def test_the_snapshot_shows_a_stale_avatar_its_players_new_socket_took_over(make_player, monkeypatch):
    """The snapshot is the room as the entry's reap read it. An avatar whose
    socket stopped beating, taken over by the player's new socket (another
    process) before the reap could clear it, stays: no frame will tell."""
    from habbo.redis import redis
    from rooms import presence
    from rooms.live import REJOINED, claim_user
    from rooms.tests.test_entry_cache import enter, logged_in

    owner, xavier, yvonne = [await sync_to_async(make_player)(name) for name in ("owner", "xavier", "yvonne")]
    room = await sync_to_async(Room.objects.create)(owner=owner, name="R", floor_plan="0000\n0000\n0000", door_x=0,
                                                    door_y=0, capacity=10)
    live = LiveRoom(room.pk)

    async def enter_directly(conn: str) -> int:
        claim = await claim_user(xavier.pk, room.pk, conn, "channel-" + conn)
        avatar = Avatar(xavier.pk, "xavier", xavier.figure, [(0, 0), (1, 1)], now_ms(), conn, "channel-" + conn,
                        uuid.uuid4().hex, claim=claim.number)
        return (await live.join(avatar, 10)).outcome

    assert await enter_directly("dead") == JOINED
    await redis().hset(live.seen_key, xavier.pk, 0)  # its process died: no heartbeat since
    take_out = presence._take_out

    async def taken_over_first(room_, avatar, **kwargs):
        if avatar.id == xavier.pk:
            assert await enter_directly("new") == REJOINED
        return await take_out(room_, avatar, **kwargs)

    monkeypatch.setattr(presence, "_take_out", taken_over_first)
    socket, output = await enter(await sync_to_async(logged_in)(yvonne), room)
    in_room = {int(uid) for uid in await redis().hkeys(live.key)}
    await socket.disconnect()
    assert in_room == {xavier.pk, yvonne.pk}
    assert {avatar["id"] for avatar in json.loads(output["text"])["avatars"]} == in_room
