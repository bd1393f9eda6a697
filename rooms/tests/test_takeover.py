"""One player, two sockets entering the same room at the same moment, on two
web processes: the second to enter takes the avatar over and closes the
first with 4409, so one avatar, one socket, and what everyone else sees
equals the room's state, whatever the interleaving. Real daphne, Redis,
Kafka and PostgreSQL."""

import asyncio
import json

import pytest
from websockets.exceptions import ConnectionClosed

from conftest import room_socket, session_cookie
from rooms.consumers import CLOSE_REPLACED
from rooms.frames import AnyFrame
from rooms.live import LiveRoom
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 12
ROUNDS = 3


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(
        owner=owner, name="Race room", floor_plan="\n".join(["0" * 8] * 8), door_x=0, door_y=0, capacity=50
    )


class Observer:
    """A player in the room who keeps who they see, from the frames alone."""

    def __init__(self, socket, snapshot: dict):
        self.socket = socket
        self.seen = {a["id"] for a in snapshot["avatars"]}
        self.frames: list[dict] = []

    async def until(self, predicate, timeout: float = 15) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.socket.recv())
                AnyFrame.validate_python(frame)  # as declared in rooms.frames
                self.frames.append(frame)
                if frame["type"] == "user_entered":
                    self.seen.add(frame["user"]["id"])
                elif frame["type"] == "user_left":
                    self.seen.discard(frame["user"])
                if predicate(frame):
                    return frame

    async def until_each(self, type_: str, users: set[int]) -> None:
        """Until a frame of `type_` came from each of `users`, in any order."""
        waiting = set(users)

        def by_one(frame) -> bool:
            if frame["type"] == type_:
                who = frame["user"]
                waiting.discard(who["id"] if isinstance(who, dict) else who)
            return not waiting

        await self.until(by_one)


async def first(socket, type_: str) -> dict:
    async with asyncio.timeout(15):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == type_:
                return message


async def closed_with(socket) -> int | None:
    """Read until the socket closes; its close code (None: no close frame)."""
    try:
        async with asyncio.timeout(15):
            while True:
                await socket.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


async def enter_twice(one, two, room, cookies: tuple[str, str]):
    """Both sockets of one player at once; returns (survivor, close code of the other)."""
    first_socket, second_socket = await asyncio.gather(
        room_socket(one, room, cookies[0]).__aenter__(), room_socket(two, room, cookies[1]).__aenter__()
    )
    closes = {asyncio.create_task(closed_with(s)): s for s in (first_socket, second_socket)}
    done, pending = await asyncio.wait(closes, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    assert len(done) == 1, "exactly one of the two sockets is closed"
    (loser_close,) = done
    (survivor_watch,) = pending
    survivor_watch.cancel()
    return closes[survivor_watch], loser_close.result()


def test_simultaneous_entries_leave_one_avatar_one_socket_and_no_ghosts(daphne_server, room, make_player):
    one, two = daphne_server(), daphne_server()
    watcher = make_player("watcher")
    players = [make_player(f"twin{i}") for i in range(PAIRS)]
    watcher_cookie = session_cookie(watcher)
    cookies = {p.pk: [(session_cookie(p), session_cookie(p)) for _ in range(ROUNDS)] for p in players}
    newcomer_cookie = session_cookie(make_player("newcomer"))

    async def scenario():
        live = LiveRoom(room.pk)
        async with room_socket(one, room, watcher_cookie) as w:
            observer = Observer(w, await first(w, "snapshot"))
            for round_ in range(ROUNDS):
                results = await asyncio.gather(*(enter_twice(one, two, room, cookies[p.pk][round_]) for p in players))
                assert [code for _, code in results] == [CLOSE_REPLACED] * PAIRS

                # Each survivor owns its avatar: its walk is stored and seen, not refused with 4408.
                for i, (survivor, _) in enumerate(results):  # each to a tile of its own
                    await survivor.send(json.dumps({"type": "walk", "x": 1 + i % 6, "y": 1 + 2 * round_ + i // 6}))
                await observer.until_each("walk", {p.pk for p in players})
                in_redis = {a.id for a in await live.avatars()}
                assert in_redis == {watcher.pk, *(p.pk for p in players)}
                assert observer.seen == in_redis, "the watcher sees exactly who is in the room"
                async with room_socket(two, room, newcomer_cookie) as n:
                    snapshot = await first(n, "snapshot")
                    assert {a["id"] for a in snapshot["avatars"]} == in_redis | {snapshot["you"]}
                await observer.until(lambda f: f["type"] == "user_left" and f["user"] == snapshot["you"])

                for survivor, _ in results:
                    await survivor.close()
                await observer.until_each("user_left", {p.pk for p in players})
                assert {a.id for a in await live.avatars()} == {watcher.pk} == observer.seen

    asyncio.run(scenario())
