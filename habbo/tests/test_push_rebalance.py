"""Stored pushes belong to the partition of the events that made them: with
several live instances of one consumer, a rebalance hands a partition's
unsent pushes to its next reader and nobody re-sends a peer's. Real Kafka,
Redis (channel layer), consumer processes and PostgreSQL."""

import asyncio
import contextlib
import signal
import threading
import time
from collections import Counter

import pytest
from channels.layers import get_channel_layer
from confluent_kafka.admin import AdminClient
from django.conf import settings

from conftest import room_created, wait_for
from habbo.bus.producer import publish
from habbo.bus.push import user_group
from habbo.bus.topics import ROOM_EVENTS
from habbo.models import PendingPush, ProcessedEvent

pytestmark = [pytest.mark.durable, pytest.mark.django_db(transaction=True)]

MAX_EVENTS = 3000


class Pushes(threading.Thread):
    """Everything pushed to one player's group, read on its own event loop."""

    def __init__(self, group: str):
        super().__init__(daemon=True)
        self.group = group
        self.received: list[dict] = []
        self.ready = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        asyncio.run(self._read())

    async def _read(self) -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(self.group, channel)
        self.ready.set()
        # One receive after another, none cancelled before the end:
        # channels-redis's pub/sub layer unsubscribes a channel whose receive
        # is cancelled (a timeout), and drops a group message that arrives
        # before the next receive subscribes it again.
        reading = asyncio.ensure_future(self._receive_all(layer, channel))
        await asyncio.to_thread(self.done.wait)
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        await layer.group_discard(self.group, channel)

    async def _receive_all(self, layer, channel: str) -> None:
        while True:
            self.received.append(await layer.receive(channel))

    def rooms(self) -> list[str]:
        return [m["data"]["room"]["id"] for m in list(self.received) if m.get("kind") == "room.created"]


def members_at_work(group: str) -> int:
    """How many members of the consumer group hold partitions now."""
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    (future,) = admin.describe_consumer_groups([settings.KAFKA_TOPIC_PREFIX + group]).values()
    return sum(1 for member in future.result().members if member.assignment.topic_partitions)


def test_every_push_once_through_rebalances_of_live_instances(kafka, consumer_process, make_player):
    owner = make_player("owner")
    pushes = Pushes(user_group(owner.pk))
    pushes.start()
    assert pushes.ready.wait(10)
    published: list[str] = []
    stop = threading.Event()

    def stream():
        while not stop.is_set() and len(published) < MAX_EVENTS:
            published.append(publish(room_created(owner.pk, name=f"Room {len(published)}"), actor=owner.pk).payload["room_id"])
            time.sleep(0.02)  # a steady stream, so rebalances happen while events flow

    publisher = threading.Thread(target=stream)
    publisher.start()

    def applied() -> int:
        return ProcessedEvent.objects.filter(consumer="rooms").count()

    def then_more_applied(what: str) -> None:
        target = applied() + 30
        wait_for(lambda: applied() >= target, what=what)

    try:
        first = consumer_process("rooms", "--batch-size", "5")
        then_more_applied("the first instance at work")
        consumer_process("rooms", "--batch-size", "5")  # joins: a rebalance
        wait_for(lambda: members_at_work("rooms") == 2, what="two instances sharing the partitions")
        then_more_applied("two instances at work")
        first.send_signal(signal.SIGTERM)  # leaves: another
        assert first.wait(30) == 0
        then_more_applied("one instance at work")
        consumer_process("rooms", "--batch-size", "5")  # and a third
        wait_for(lambda: members_at_work("rooms") == 2, what="two instances sharing the partitions again")
        then_more_applied("two instances at work again")
    finally:
        stop.set()
        publisher.join()

    wait_for(lambda: kafka.committed("rooms", ROOM_EVENTS.full_name) == len(published), timeout=90, what="all applied")
    assert applied() == len(published)
    # Published once all else is applied, its push comes after any re-sent one.
    sentinel = publish(room_created(owner.pk, name="The last room"), actor=owner.pk).payload["room_id"]
    wait_for(lambda: sentinel in pushes.rooms(), what="the last room's push")
    pushes.done.set()
    pushes.join()

    counts = Counter(pushes.rooms())
    assert set(counts) == {*published, sentinel}
    assert [room for room, n in counts.items() if n > 1] == [], "no push is sent twice"
    wait_for(lambda: not PendingPush.objects.exists(), what="every row of pushes sent deleted")
