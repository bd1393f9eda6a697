"""Friend requests through the whole durable path.

e2e:   RATE requests a second for DURATION seconds. Each is sent with the same
       service the web view calls (friend_request_send: checks, publish, wait
       for Kafka's ack); the friends consumer applies it; the recipient's open
       hotel socket (a real WebSocket client on a real daphne) receives the
       popup. Measured from just before the send to the popup's arrival.
apply: a backlog of COUNT friend.requested events is produced first; then one
       `manage.py kafka_consume friends` process is started and timed until
       it has committed them all.

Run it through bench/run:
    bench/run friends e2e --rate 100 --duration 60 --out bench/results/friends-e2e.json
    bench/run friends apply --count 100000 --out bench/results/friends-apply.json
"""

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")

from rooms_load import ensure_database, quantile, session_key, start_servers  # noqa: E402


def setup(prefix: str) -> str:
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://habbo:habbo@127.0.0.1:5442/habbo_bench")
    ensure_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ["KAFKA_TOPIC_PREFIX"] = prefix
    # Each sender thread holds a connection: a smaller pool would leave some waiting forever.
    os.environ.setdefault("DB_POOL_SIZE", "40")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.KAFKA_TOPIC_PREFIX = prefix  # also when a second part of a run sets up again

    call_command("migrate", verbosity=0)
    call_command("kafka_topics", verbosity=0)
    return database_url


def players(prefix: str, count: int):
    from habbo.models import User

    names = [f"{prefix}{i:06d}" for i in range(count)]
    User.objects.bulk_create([User(username=n) for n in names], ignore_conflicts=True, batch_size=2000)
    return list(User.objects.filter(username__in=names).order_by("username"))


def start_consumer(name: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "kafka_consume", name], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


SENDER_THREADS = 16


def web_env(env: dict) -> dict:
    """A web process as deployed: its own default pool size, not the bench's."""
    return {k: v for k, v in env.items() if k != "DB_POOL_SIZE"}


def send_requests(senders, recipients, rate: float, out, warm_up_sender, go) -> None:
    """In a process of its own, so sending never delays the receiving clients:
    RATE requests a second through the service the web view calls, once a
    warm-up request has come through and `go` is set."""
    from django.db import connection

    from friends.services import friend_request_send

    sent: dict[str, float] = {}
    lock = threading.Lock()
    ready = threading.Barrier(SENDER_THREADS)

    def warm_up(_):
        # A web process's connections are open already: the timed sends should not open them.
        connection.ensure_connection()
        ready.wait()

    def send(sender, recipient):
        with lock:
            sent[f"{sender.username}>{recipient.username}"] = time.monotonic()
        friend_request_send(sender=sender, username=recipient.username)

    friend_request_send(sender=warm_up_sender, username=recipients[0].username)
    # The generator's own full collections traversed the whole Django heap and
    # paused it for ~200 ms in a run; frozen, that heap is not traversed.
    gc.freeze()
    with ThreadPoolExecutor(max_workers=SENDER_THREADS) as pool:
        list(pool.map(warm_up, range(SENDER_THREADS)))
        if not go.wait(60):
            raise SystemExit("the warm-up request's popup never arrived")
        start = time.monotonic()
        futures = []
        for i, sender in enumerate(senders):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            futures.append(pool.submit(send, sender, recipients[i % len(recipients)]))
        for future in futures:
            future.result()
    out.send({"sent": sent, "elapsed": time.monotonic() - start})


def e2e(args) -> dict:
    from django.db import connections

    tag = uuid.uuid4().hex[:6]
    recipients = players(f"fb{tag}r", args.recipients)
    senders = players(f"fb{tag}s", int(args.rate * args.duration))
    [warm_up_sender] = players(f"fb{tag}w", 1)
    keys = {user.username: session_key(user) for user in recipients}
    env = os.environ | {"LOG_LEVEL": "WARNING", "DEBUG": "false"}
    consumer = start_consumer("friends", env)
    [(port, server)] = start_servers(1, web_env(env))
    received: dict[str, float] = {}

    async def listen(user, ready):
        url = f"ws://127.0.0.1:{port}/ws/hotel/"
        async with connect(url, origin=f"http://127.0.0.1:{port}",
                           additional_headers={"Cookie": f"sessionid={keys[user.username]}"}, max_queue=None) as ws:
            ready.set()
            async for raw in ws:
                now = time.monotonic()
                message = json.loads(raw)
                if message["type"] == "friend.requested":
                    received.setdefault(f"{message['request']['from']['name']}>{user.username}", now)

    async def run():
        readies = [asyncio.Event() for _ in recipients]
        tasks = [asyncio.create_task(listen(user, ready)) for user, ready in zip(recipients, readies)]
        await asyncio.gather(*(r.wait() for r in readies))
        # CLOCK_MONOTONIC is one clock for every process on the machine.
        connections.close_all()
        # A forked child cannot use the parent's pool (its worker threads stay behind): it makes its own.
        connections["default"].close_pool()
        fork = multiprocessing.get_context("fork")
        results, out = fork.Pipe(duplex=False)
        go = fork.Event()
        sender = fork.Process(target=send_requests, args=(senders, recipients, args.rate, out, warm_up_sender, go))
        sender.start()
        # Timing starts once the consumer has joined its group and a first request came through.
        deadline = time.monotonic() + 60
        while f"{warm_up_sender.username}>{recipients[0].username}" not in received:
            if time.monotonic() > deadline:
                raise SystemExit("the warm-up request's popup never arrived")
            await asyncio.sleep(0.05)
        gc.freeze()  # (see send_requests)
        go.set()
        while not results.poll():
            await asyncio.sleep(0.2)
        outcome = results.recv()
        sender.join()
        deadline = time.monotonic() + 15
        while len(received) < len(senders) + 1 and time.monotonic() < deadline:  # + the warm-up
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        return outcome

    try:
        outcome = asyncio.run(run())
    finally:
        consumer.send_signal(signal.SIGTERM)
        server.terminate()
        consumer.wait(30)
        server.wait(30)
    sent = outcome["sent"]
    lat = sorted((received[key] - sent[key]) * 1000 for key in received if key in sent)
    return {
        "scenario": f"friend request → popup on the recipient's socket, {args.rate}/s for {args.duration} s",
        "rate": args.rate,
        "achieved_rate": round(len(senders) / outcome["elapsed"], 1),
        "count": len(senders),
        "recipients_online": len(recipients),
        "received": len(lat),
        "lost": len(senders) - len(lat),
        "p50_ms": quantile(lat, 0.50),
        "p90_ms": quantile(lat, 0.90),
        "p99_ms": quantile(lat, 0.99),
        "max_ms": round(lat[-1], 2) if lat else None,
    }


def apply(args) -> dict:
    from confluent_kafka import Producer
    from django.conf import settings

    from friends.events import FriendRequested
    from habbo.bus.topics import FRIEND_REQUESTS

    side = 1 + int((2 * args.count) ** 0.5) + 1
    users = players(f"fa{uuid.uuid4().hex[:6]}u", side)
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "enable.idempotence": True,
                         "linger.ms": 20, "queue.buffering.max.messages": 200000})
    produced = 0
    for i, a in enumerate(users):
        for b in users[i + 1:]:
            if produced == args.count:
                break
            envelope = FriendRequested(sender_id=a.pk, recipient_id=b.pk).envelope(actor=a.pk)
            producer.produce(FRIEND_REQUESTS.full_name, key=envelope.key, value=envelope.model_dump_json())
            produced += 1
            if produced % 10000 == 0:
                producer.poll(0)
        if produced == args.count:
            break
    assert producer.flush(120) == 0
    elapsed = time_backlog("friends", FRIEND_REQUESTS.full_name, produced)
    return {
        "scenario": f"one friends consumer applying a backlog of {produced} friend.requested events",
        "count": produced,
        "seconds": round(elapsed, 1),
        "events_per_s": round(produced / elapsed, 1),
        "note": "includes the consumer's start-up (Django, joining the group)",
    }


def time_backlog(name: str, topic: str, produced: int) -> float:
    """Start one `kafka_consume NAME` process on a backlog of `produced`
    events and time it, start-up included, until its group committed them all."""
    from confluent_kafka import Consumer, TopicPartition
    from django.conf import settings

    env = os.environ | {"LOG_LEVEL": "WARNING", "DEBUG": "false"}
    watcher = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                        "group.id": settings.KAFKA_TOPIC_PREFIX + name})
    partitions = [TopicPartition(topic, p) for p in watcher.list_topics(topic, timeout=10).topics[topic].partitions]
    start = time.monotonic()
    consumer = start_consumer(name, env)
    try:
        while True:
            done = sum(max(tp.offset, 0) for tp in watcher.committed(partitions, timeout=10))
            if done >= produced:
                return time.monotonic() - start
            if consumer.poll() is not None:
                raise SystemExit(f"the consumer exited with {consumer.returncode}")
            time.sleep(0.5)
    finally:
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(60)
        watcher.close()


def drop_topics():
    from confluent_kafka.admin import AdminClient
    from django.conf import settings

    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    names = [n for n in admin.list_topics(timeout=10).topics if n.startswith(settings.KAFKA_TOPIC_PREFIX)]
    if names:
        for future in admin.delete_topics(names, operation_timeout=60).values():
            future.result()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["e2e", "apply"])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--recipients", type=int, default=100)
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    run_and_report("friends", e2e if args.mode == "e2e" else apply, args)


def run_and_report(name: str, measure, args, machine: str = "") -> None:
    """`measure(args)` on fresh topics and groups (a backlog is exactly this
    run's), printed and written to args.out with the machine and the command."""
    setup(f"bench-{uuid.uuid4().hex[:8]}.")
    try:
        result = measure(args)
    finally:
        drop_topics()
    result["machine"] = machine or f"{os.cpu_count()} cores"
    result["command"] = f"bench/run {name} " + " ".join(sys.argv[1:])
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
