"""What one Kafka broker and one Redis take on this machine, for docs/scaling.md.

kafka: COUNT chat.message events (the hotel's envelope, about 350 bytes)
       produced with the hotel's producer settings (acks=all, idempotent) by
       one process, as fast as Kafka acknowledges them, keeping up to
       IN_FLIGHT unacknowledged: events acknowledged per second. Against
       KAFKA_BOOTSTRAP_SERVERS: the single broker, or the 3-node cluster with
       KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2.
redis: WALKS walks through the room's own Lua script (rooms.live.LiveRoom.move:
       store the avatar, publish the frame) from CLIENTS asyncio clients on
       one process, in rooms of 25, while SUBSCRIBERS connections (standing
       for web processes that have players in every room) receive every
       frame: walks stored and published per second, and Redis's own CPU for
       them (INFO's used_cpu_sys + used_cpu_user).

    bench/run capacity --out bench/results/capacity.json
    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9392,127.0.0.1:9393,127.0.0.1:9394 KAFKA_REPLICATION_FACTOR=3 \
      KAFKA_MIN_INSYNC_REPLICAS=2 bench/run capacity --out bench/results/capacity-cluster.json
"""

import argparse
import asyncio
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")

from friends_bench import run_and_report  # noqa: E402


def kafka(count: int, in_flight: int) -> dict:
    from confluent_kafka import Producer

    from chat.events import ChatMessageSent
    from habbo.bus.producer import producer_config
    from habbo.bus.topics import CHAT_MESSAGES

    config = producer_config("capacity") | {"queue.buffering.max.messages": in_flight + 1000}
    config.pop("logger")
    producer = Producer(config)
    rooms = [uuid.uuid4() for _ in range(100)]
    values = []
    for i in range(count):
        event = ChatMessageSent(room_id=rooms[i % 100], user_id=1 + i % 1000, kind="say", text="hello everyone " * 4)
        envelope = event.envelope(actor=event.user_id)
        values.append((envelope.key, envelope.model_dump_json()))
    acked = 0

    def delivered(err, msg):
        nonlocal acked
        if err is None:
            acked += 1

    start = time.monotonic()
    for i, (key, value) in enumerate(values):
        while i - acked >= in_flight:
            producer.poll(0.01)
        producer.produce(CHAT_MESSAGES.full_name, key=key, value=value, on_delivery=delivered)
        producer.poll(0)
    producer.flush(120)
    elapsed = time.monotonic() - start
    from django.conf import settings

    return {"brokers": len(settings.KAFKA_BOOTSTRAP_SERVERS.split(",")),
            "replication_factor": settings.KAFKA_REPLICATION_FACTOR or "the brokers' default",
            "min_insync_replicas": settings.KAFKA_MIN_INSYNC_REPLICAS or "the brokers' default",
            "events": count, "acked": acked, "seconds": round(elapsed, 2), "events_per_s": round(acked / elapsed),
            "bytes_per_event": len(values[0][1]), "in_flight": in_flight}


def redis_walks(walks: int, clients: int, subscribers: int) -> dict:
    import redis as redis_py
    from django.conf import settings

    from habbo.redis import redis, sync_redis
    from rooms import frames
    from rooms.live import Avatar, LiveRoom, frames_channel, now_ms

    rooms = [LiveRoom(uuid.uuid4()) for _ in range(max(1, clients // 25 + 1))]

    def avatar(uid: int) -> Avatar:
        return Avatar(uid, f"p{uid}", {}, [(0, 0)], now_ms(), "conn", "channel", "visit")

    async def seed():
        client = redis()
        for uid in range(clients):
            room = rooms[uid % len(rooms)]
            await client.hset(room.key, str(uid), avatar(uid).to_json())

    async def walker(uid: int, count: int):
        room = rooms[uid % len(rooms)]
        for step in range(count):
            moved = avatar(uid)
            moved.path = [(0, 0), (1, step % 16), (2, step % 16)]
            walk = frames.Walk.model_construct(user=uid, path=moved.path, started_at=moved.started_at)
            await room.move(moved, walk)

    def redis_cpu() -> float:
        info = sync_redis().info("cpu")
        return info["used_cpu_sys"] + info["used_cpu_user"]

    async def run() -> float:
        await seed()
        start = time.monotonic()
        await asyncio.gather(*(walker(uid, walks // clients) for uid in range(clients)))
        return time.monotonic() - start

    received = [0] * subscribers
    stop = threading.Event()

    def subscriber(index: int) -> None:
        pubsub = redis_py.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
        pubsub.ssubscribe(*(frames_channel(room.room_id) for room in rooms))  # walks are SPUBLISHed
        while not stop.is_set() or pubsub.connection.can_read():
            if pubsub.get_message(timeout=0.2):
                received[index] += 1
        pubsub.close()

    threads = [threading.Thread(target=subscriber, args=(i,)) for i in range(subscribers)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # subscribed
    cpu_before = redis_cpu()
    elapsed = asyncio.run(run())
    cpu = redis_cpu() - cpu_before
    stop.set()
    for thread in threads:
        thread.join()
    done = walks // clients * clients
    for room in rooms:
        sync_redis().delete(room.key, room.seen_key, room.seq_key)
    return {"walks": done, "clients": clients, "subscribers": subscribers, "frames_received": sum(received),
            "seconds": round(elapsed, 2), "walks_per_s": round(done / elapsed),
            "redis_cpu_pct": round(100 * cpu / elapsed, 1),
            "walks_per_redis_cpu_s": round(done / cpu) if cpu else None,
            "note": "one Python process drives Redis here; walks_per_redis_cpu_s is what a Redis core could take"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--in-flight", type=int, default=10000)
    parser.add_argument("--walks", type=int, default=100000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=2, help="web processes receiving every room's frames")
    parser.add_argument("--out", type=Path)
    def measure(args) -> dict:
        return {"kafka": kafka(args.count, args.in_flight),
                "redis_one_node": redis_walks(args.walks, args.clients, args.subscribers)}

    run_and_report("capacity", measure, parser.parse_args(),
                   machine=f"{os.cpu_count()} cores; generator, broker and Redis on the same cores")


if __name__ == "__main__":
    main()
