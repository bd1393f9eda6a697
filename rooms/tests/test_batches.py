"""A busy room sends a tick's frames as one `batch` (rooms.fanout,
docs/protocol.md "Batches"), through the room socket, the real Redis and Kafka."""

import asyncio

import pytest

from rooms.fanout import LocalRoom
from rooms.tests.test_room_socket import joined, room  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kafka", "thread_connections_closed")]


async def drained(player) -> None:
    """Read whatever the socket has been sent so far (entries and their walks)."""
    while not await player.socket.receive_nothing(timeout=0.3):
        await player.socket.receive_json_from()


async def three_in(make_player, room, tick_s: float) -> list:  # noqa: F811
    """Three players in the room, which is then quiet for over a tick (the
    entries' frames are all out): the next frame goes at once."""
    players = [await joined(make_player, room, name) for name in ("alice", "bob", "carol")]
    await asyncio.sleep(tick_s + 0.2)
    for player in players:
        await drained(player)
    return players


async def test_a_busy_room_sends_what_comes_within_a_tick_as_one_batch(make_player, room, clean_redis, settings):  # noqa: F811
    # A long tick (beyond ROOM_TICK_MS's 100 allowed), so that a slow machine still batches.
    settings.ROOM_BATCH_WRITES, settings.ROOM_TICK_MS = 1, 1000  # the entries' frames made it busy
    alice, bob, carol = await three_in(make_player, room, 1)

    await carol.send({"type": "walk", "x": 5, "y": 5})
    await carol.send({"type": "wave"})
    await carol.send({"type": "dance", "style": 2})

    for player in (alice, bob, carol):
        first = await player.next("walk")  # alone: the room was quiet
        assert first["user"] == carol.user.pk
        batch = await player.next("batch")
        assert [(frame["type"], frame["user"]) for frame in batch["frames"]] == [
            ("wave", carol.user.pk), ("dance", carol.user.pk)
        ], "the tick's frames, in the order they happened"
        assert batch["frames"][1]["style"] == 2


async def test_a_room_below_the_writes_a_second_sends_each_frame_alone(make_player, room, clean_redis, settings):  # noqa: F811
    settings.ROOM_BATCH_WRITES, settings.ROOM_TICK_MS = 1_000_000, 100
    alice, bob, carol = await three_in(make_player, room, 0.1)

    await carol.send({"type": "walk", "x": 5, "y": 5})
    await carol.send({"type": "wave"})
    await carol.send({"type": "dance", "style": 2})

    received = await alice.upto("dance")
    assert [message["type"] for message in received] == ["walk", "wave", "dance"]


class Counted:
    """A socket that keeps what it is sent."""

    def __init__(self):
        self.frames = []

    async def send_frame(self, frame):
        self.frames.append(frame.text)


async def test_a_room_stays_busy_while_its_frames_keep_coming_batched_or_not(settings):
    """The frames a batch takes count towards the room's rate as much as those sent alone."""
    settings.ROOM_BATCH_WRITES, settings.ROOM_TICK_MS = 500, 100
    room = LocalRoom("a room")
    sockets = [Counted() for _ in range(10)]
    room.sockets.update(sockets)
    now = [0.0]
    room.clock = lambda: now[0]
    for second in range(3):  # 100 frames a second × 10 sockets: 1,000 writes a second
        for i in range(100):
            now[0] = second + i / 100
            await room.deliver(f'{{"type":"wave","user":{second * 100 + i}}}')
            if room.flushing and room.flushing.done():
                room.flushing = None
        if room.flushing:
            await room.flushing  # the tick's end, for the test: sleeps at most a tick
    sent = sockets[0].frames
    batches = [text for text in sent if text.startswith('{"type":"batch"')]
    assert sum(text.count('"type":"wave"') for text in sent) == 300, "every frame reached the socket"
    # The first second sends each frame (the room has no rate yet); from then on it batches.
    assert len(sent) - len(batches) <= 100 + 2 * 2
    assert batches, "the second and third seconds batched"
