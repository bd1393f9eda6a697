"""The hotel on a 3-node Kafka cluster (`make test-cluster`): while threads
keep creating rooms, saying chat lines, sending friend requests and buying
through the real services and producer, one broker is killed with SIGKILL
and brought back, then the active controller (the metadata quorum's leader).
Every action Kafka acknowledged is applied exactly once, none it refused is
applied, and the consumers (subprocesses, never restarted) carry on by
themselves. The publish waits around each kill are printed."""

import asyncio
import inspect
import itertools
import math
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from asgiref.sync import sync_to_async
from confluent_kafka.admin import AdminClient, ConfigResource
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from chat.models import ChatLine
from chat.services import chat_send
from conftest import ROOT, wait_for
from economy.models import CatalogPage, Offer, Purchase
from economy.services import purchase_request
from friends.models import FriendRequest
from friends.services import friend_request_send
from habbo.bus.producer import EventBusUnavailable
from habbo.bus.topics import ALL_TOPICS, CHAT_MESSAGES, FRIEND_REQUESTS, PURCHASES, ROOM_EVENTS
from habbo.models import ProcessedEvent, User
from habbo.redis import redis
from rooms.models import Item, Room
from rooms.services import room_create_request

pytestmark = pytest.mark.django_db(transaction=True)

SERVICES = str(ROOT / "scripts" / "services")
NODE = re.compile(r"node (\d+) running on \S+ \(controller \d+, pid (\d+)\)")
LEADER = re.compile(r"quorum leader\): node (\d+)")
PLAYERS = 60
PAUSE_S = 0.03  # between one thread's actions: a steady stream, not a flood
PROGRESS = 15  # acknowledged actions of every kind that show the stream flows


def cluster() -> tuple[dict[int, int], int | None]:
    """The running nodes' pids, and the active controller, as scripts/services tells them."""
    status = subprocess.run([SERVICES, "status", "kafka-cluster"], capture_output=True, text=True, check=True).stdout
    leader = LEADER.search(status)
    return {int(m[1]): int(m[2]) for m in NODE.finditer(status)}, int(leader[1]) if leader else None


def bring_back() -> None:
    subprocess.run([SERVICES, "up", "kafka-cluster"], check=True, stdout=subprocess.DEVNULL)


def fully_replicated(admin: AdminClient, prefix: str) -> bool:
    """Every partition of this test's topics and of the group offsets has a leader and 3 in-sync replicas."""
    topics = admin.list_topics(timeout=10).topics
    return all(
        partition.leader >= 0 and len(partition.isrs) == 3
        for name, topic in topics.items()
        if name.startswith(prefix) or name == "__consumer_offsets"
        for partition in topic.partitions.values()
    )


def led_by(admin: AdminClient, prefix: str, node: int) -> int:
    """How many partitions of this test's topics the node leads."""
    topics = admin.list_topics(timeout=10).topics
    return sum(
        partition.leader == node
        for name, topic in topics.items() if name.startswith(prefix)
        for partition in topic.partitions.values()
    )


@dataclass
class Attempt:
    ident: object
    started: float
    waited: float
    acked: bool


@dataclass
class Stream:
    """One kind of action from its own thread, one identity after another,
    until stopped; every attempt recorded with how long its publish waited."""

    kind: str
    act: object  # act(ident); a coroutine function runs on the thread's own event loop
    idents: object  # an iterator
    attempts: list[Attempt] = field(default_factory=list)
    error: BaseException | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name=f"stream-{self.kind}")
        thread.start()
        return thread

    def _run(self) -> None:
        try:
            if inspect.iscoroutinefunction(self.act):
                asyncio.run(self._each_async())
            else:
                for ident in self._next():
                    self._timed(ident, lambda: self.act(ident))
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            connections.close_all()

    async def _each_async(self) -> None:
        try:
            for ident in self._next():
                started = time.monotonic()
                try:
                    await self.act(ident)
                    self._record(ident, started, acked=True)
                except EventBusUnavailable:
                    self._record(ident, started, acked=False)
                await asyncio.sleep(PAUSE_S)
        finally:
            await redis().aclose()
            await sync_to_async(connections.close_all)()

    def _next(self):
        for ident in self.idents:
            if self.stop.is_set():
                return
            yield ident

    def _timed(self, ident, call) -> None:
        started = time.monotonic()
        try:
            call()
            self._record(ident, started, acked=True)
        except EventBusUnavailable:
            self._record(ident, started, acked=False)
        time.sleep(PAUSE_S)

    def _record(self, ident, started: float, *, acked: bool) -> None:
        self.attempts.append(Attempt(ident, started, time.monotonic() - started, acked))

    def acked(self) -> list:
        return [a.ident for a in self.attempts if a.acked]

    def refused(self) -> list:
        return [a.ident for a in self.attempts if not a.acked]

    def acked_since(self, moment: float) -> int:
        return sum(1 for a in self.attempts if a.acked and a.started > moment)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


def waits(attempts: list[Attempt]) -> str:
    refused = sum(1 for a in attempts if not a.acked)
    seconds = [a.waited for a in attempts]
    return (
        f"{len(attempts)} publishes, waited max {max(seconds):.2f} s, p99 {p99(seconds):.2f} s, "
        f"over 1 s {sum(1 for w in seconds if w > 1)}, refused (EventBusUnavailable) {refused}"
    )


def failover(streams: list[Stream], killed: float, whole: float) -> str:
    """The publishes in flight at any moment from the kill until the cluster was whole again."""
    during = [a for s in streams for a in s.attempts if a.started < whole and a.started + a.waited > killed]
    return f"{waits(during)}; whole again (node back, in sync) after {whole - killed:.1f} s"


def test_acknowledged_actions_survive_a_broker_and_the_controller_killed(
    kafka, consumer_process, capsys
):
    if settings.KAFKA_REPLICATION_FACTOR < 3:
        pytest.skip("needs the 3-node cluster: run with make test-cluster")
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    nodes, controller = cluster()
    assert len(nodes) == 3 and controller in nodes

    # The kafka fixture made this test's topics with kafka_topics: 3 replicas, 2 in sync for an ack.
    names = [t.full_name for t in ALL_TOPICS] + [t.dlq_name for t in ALL_TOPICS]
    topics = admin.list_topics(timeout=10).topics
    assert {len(p.replicas) for name in names for p in topics[name].partitions.values()} == {3}
    configs = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, name) for name in names])
    assert {future.result()["min.insync.replicas"].value for future in configs.values()} == {"2"}

    players = [User.objects.create(username=f"c{i}-{uuid.uuid4().hex[:6]}") for i in range(PLAYERS)]
    page = CatalogPage.objects.create(name="Cluster page")
    lamp = Offer.objects.create(
        page=page, item=Item.objects.create(name="Cluster lamp", look="lamp", width=1), price=1
    )
    consumers = {name: consumer_process(name) for name in ("rooms", "chat-history", "friends", "economy")}

    def create_room(name: str) -> None:
        owner = players[int(name.rsplit(" ", 1)[1]) % PLAYERS]
        room_create_request(owner=owner, name=name, description="", capacity=25, layout="square", is_public=True)

    # The rooms the chat lines are said in exist before the first line.
    chat_rooms = [room_create_request(owner=players[i], name=f"Chat room {i}", description="", capacity=25,
                                      layout="square", is_public=True) for i in range(2)]
    wait_for(lambda: Room.objects.filter(pk__in=chat_rooms).count() == 2, timeout=60, what="the chat rooms")

    async def say(text: str) -> None:
        n = int(text.split()[1])
        await chat_send(room_id=chat_rooms[n % 2], user_id=players[n % PLAYERS].pk, kind="say", text=text)

    def request(pair: tuple[User, User]) -> None:
        friend_request_send(sender=pair[0], username=pair[1].username)

    def buy(key: uuid.UUID) -> None:
        purchase_request(buyer=players[key.int % PLAYERS], offer_id=lamp.pk, quantity=1, key=key)

    streams = [
        Stream("room created", create_room, (f"Cluster room {i}" for i in itertools.count())),
        Stream("chat line", say, (f"line {i}" for i in itertools.count())),
        Stream("friend request", request, itertools.combinations(players, 2)),
        Stream("purchase", buy, (uuid.uuid4() for _ in itertools.count())),
    ]

    def flowing(since: float) -> bool:
        assert not [s.error for s in streams if s.error], "a stream of actions failed"
        return all(s.acked_since(since) >= PROGRESS for s in streams)

    def kill_and_bring_back(node: int) -> tuple[float, float]:
        # Acknowledged events on partitions it leads must outlive it.
        assert led_by(admin, kafka.prefix, node) > 0
        killed = time.monotonic()
        os.kill(nodes[node], signal.SIGKILL)
        wait_for(lambda: flowing(killed), timeout=120, what=f"actions acknowledged with node {node} dead")
        bring_back()
        wait_for(lambda: fully_replicated(admin, kafka.prefix), timeout=120, interval=0.5,
                 what=f"node {node} back in every partition's in-sync replicas")
        whole = time.monotonic()
        wait_for(lambda: flowing(whole), timeout=60, what=f"actions acknowledged with node {node} back")
        return killed, whole

    threads = [s.start() for s in streams]
    try:
        began = time.monotonic()
        wait_for(lambda: flowing(began), timeout=60, what="every kind of action acknowledged")
        broker = min(n for n in nodes if n != controller)  # not the active controller: only its broker matters
        broker_failover = kill_and_bring_back(broker)
        nodes, controller = cluster()
        assert len(nodes) == 3 and controller is not None, "the quorum has a leader again"
        controller_failover = kill_and_bring_back(controller)
        nodes, _ = cluster()
        assert len(nodes) == 3
    finally:
        for stream in streams:
            stream.stop.set()
        for thread in threads:
            thread.join(60)
    assert not [s.error for s in streams if s.error], "a stream of actions failed"

    acked = {s.kind: s.acked() for s in streams}
    refused = {s.kind: s.refused() for s in streams}
    by_consumer = {
        "rooms": (ROOM_EVENTS, len(acked["room created"]) + len(chat_rooms)),
        "chat-history": (CHAT_MESSAGES, len(acked["chat line"])),
        "friends": (FRIEND_REQUESTS, len(acked["friend request"])),
        "economy": (PURCHASES, len(acked["purchase"])),
    }
    # Each group's consumer moved its offsets to the end of its topic by itself.
    for name, (topic, _) in by_consumer.items():
        wait_for(lambda: kafka.committed(name, topic.full_name) == kafka.end_offsets(topic.full_name),
                 timeout=120, interval=0.5, what=f"consumer {name} caught up")
    assert [name for name, proc in consumers.items() if proc.poll() is not None] == [], "no consumer died"

    # The log holds each acknowledged action once (the idempotent producer's
    # retries wrote nothing twice), and nothing refused.
    for name, (topic, count) in by_consumer.items():
        assert kafka.end_offsets(topic.full_name) == count, topic.name
        assert ProcessedEvent.objects.filter(consumer=name).count() == count, name
        assert kafka.end_offsets(topic.dlq_name) == 0, topic.dlq_name

    # Applied exactly once: the rows are the acknowledged actions, each once; none refused.
    assert Counter(Room.objects.filter(name__startswith="Cluster room").values_list("name", flat=True)) == Counter(
        acked["room created"]
    )
    assert Counter(ChatLine.objects.filter(room__in=chat_rooms).values_list("text", flat=True)) == Counter(
        acked["chat line"]
    )
    assert Counter(FriendRequest.objects.values_list("sender_id", "recipient_id")) == Counter(
        (a.pk, b.pk) for a, b in acked["friend request"]
    )
    assert Counter(Purchase.objects.values_list("key", flat=True)) == Counter(acked["purchase"])
    call_command("economy_audit", verbosity=0)  # every balance is its ledger, every piece paid once

    before = [a for s in streams for a in s.attempts if a.started + a.waited < broker_failover[0]]
    with capsys.disabled():
        print(
            "\n[kafka cluster] actions acknowledged: "
            + ", ".join(f"{kind} {len(ids)}" for kind, ids in acked.items())
            + "; refused: " + ", ".join(f"{kind} {len(ids)}" for kind, ids in refused.items())
            + f"\n[kafka cluster] before any kill: {waits(before)}"
            + f"\n[kafka cluster] broker (node {broker}) SIGKILLed: {failover(streams, *broker_failover)}"
            + f"\n[kafka cluster] active controller (node {controller}) SIGKILLed: "
            + failover(streams, *controller_failover)
        )
