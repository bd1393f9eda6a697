"""What the consumers that write the most rows take on this machine (issue 13, docs/scaling.md).

For each of chat-history (chat-messages: chat lines), visit-log and room-stats
(both room-events: room.user_entered / room.user_left pairs), a backlog of
COUNT events is produced first, then one `manage.py kafka_consume NAME`
process is timed, start-up included, until its group committed them all.

The world is real: ROOMS rooms of 16×16 and PLAYERS players are made first.
The events are the game's own (chat.events, rooms.events), published with the
hotel's producer (apublish, Kafka's ack awaited, many at once as many room
sockets would). Chat lines are said, shouted or whispered by a room's players;
visits are a simulation of players entering and leaving rooms of 25, each
event carrying the room's count and change number as the live room gives
them, every visit closed by the end. visit-log and room-stats are timed one
after the other on the same backlog (two groups).

Recorded per consumer: seconds, events/s (and from its first commit on,
without the start-up), the consumer process's CPU, the CPU of its PostgreSQL
backend, all of PostgreSQL's CPU over the run (anything else on the server
included), and the rows written (pg_stat_user_tables: inserted + updated, per
table, the consumer's own table and its processed-event records). The run's
rooms, players and rows are deleted afterwards, so the bench database does
not grow from run to run.

    bench/run consumers --count 100000 --out bench/results/consumers.json
"""

import argparse
import asyncio
import os
import random
import signal
import sys
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")

from friends_bench import players, run_and_report, start_consumer  # noqa: E402

NAMES = ("chat-history", "visit-log", "room-stats")
IN_FLIGHT = 1000  # publishes awaiting Kafka's ack at once
ROOM_SIZE = 25
LINES = [
    "hi", "hello everyone", "anyone want to trade?", "nice room!", "brb", "lol", "who made this room",
    "follow me", "can I have rights?", "this sofa is rare", "gg", "where is the pool?", "I like your look",
    "meet at the café in 5", "does anyone know how to get the throne", "what's up", "sell me that plant",
    "no way", "haha yes", "bye all, see you tomorrow",
]


def world(rooms: int, count: int):
    from rooms.models import Room

    tag = uuid.uuid4().hex[:6]
    people = players(f"cb{tag}p", count)
    made = Room.objects.bulk_create([
        Room(owner=people[i % len(people)], name=f"Bench {tag} {i:03d}", floor_plan="\n".join(["0" * 16] * 16),
             door_x=0, door_y=0, capacity=ROOM_SIZE)
        for i in range(rooms)
    ])
    return made, people


def chat_lines(count: int, rooms, people, rng: random.Random) -> list:
    """(event, actor): each player talks in one room; 1 line in 20 a whisper to someone there."""
    from chat.events import ChatMessageSent

    events = []
    for _ in range(count):
        index = rng.randrange(len(people))
        speaker, room = people[index], rooms[index % len(rooms)]
        kind = rng.choices(["say", "shout", "whisper"], [85, 10, 5])[0]
        recipient = None
        if kind == "whisper":
            recipient = people[(index + len(rooms) * rng.randrange(1, len(people) // len(rooms))) % len(people)].pk
        text = rng.choice(LINES)
        events.append((ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind=kind, text=text,
                                       recipient_id=recipient), speaker.pk))
    return events


def visits(count: int, rooms, people, rng: random.Random) -> list:
    """(event, actor): count // 2 visits; a room holds at most ROOM_SIZE, a
    player is in one room at a time, and everyone has left by the end."""
    from rooms.events import UserEntered, UserLeft

    inside = {room.pk: [] for room in rooms}
    seq = dict.fromkeys(inside, 0)
    idle = list(people)
    rng.shuffle(idle)
    wanted, entered, events = count // 2, 0, []
    while len(events) < 2 * wanted:
        room_id = rng.choice(rooms).pk
        here = inside[room_id]
        if entered < wanted and idle and len(here) < ROOM_SIZE and (not here or rng.random() < 0.5):
            user, visit = idle.pop(), uuid.uuid4()
            here.append((user, visit))
            entered += 1
            kind = UserEntered
        elif here:
            user, visit = here.pop(rng.randrange(len(here)))
            idle.insert(0, user)  # back to the queue's far end
            kind = UserLeft
        else:
            continue
        seq[room_id] += 1
        events.append((kind(room_id=room_id, user_id=user.pk, visit_id=visit, present=len(here), seq=seq[room_id]),
                       user.pk))
    return events


async def publish_all(events: list) -> float:
    """Publish in order (tasks start in the order made), IN_FLIGHT at most
    awaiting their ack; returns the seconds it took."""
    from habbo.bus.producer import apublish

    gate = asyncio.Semaphore(IN_FLIGHT)
    tasks = []
    start = time.monotonic()
    for event, actor in events:
        await gate.acquire()
        task = asyncio.create_task(apublish(event, actor=actor))
        task.add_done_callback(lambda _: gate.release())
        tasks.append(task)
    await asyncio.gather(*tasks)
    return time.monotonic() - start


def table_writes() -> dict[str, dict[str, int]]:
    """Rows inserted + updated + deleted so far in the bench database, per table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")
        return {name: {"inserted": i, "updated": u, "deleted": d} for name, i, u, d in cursor.fetchall()}


def writes_between(before: dict, after: dict) -> dict:
    changed = {}
    for name, counts in after.items():
        delta = {k: v - before.get(name, {}).get(k, 0) for k, v in counts.items()}
        if any(delta.values()):
            changed[name] = {k: v for k, v in delta.items() if v}
    return changed


def postmaster() -> psutil.Process:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return psutil.Process(cursor.fetchone()[0]).parent()


def postgres_cpu(master: psutil.Process) -> float:
    """All of PostgreSQL's CPU seconds so far: its live processes, and what
    the postmaster collected from the children it reaped."""
    own = master.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for child in master.children():
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass  # gone meanwhile: counted in children_* next time
    return total


def backend_cpu(client: psutil.Process) -> float | None:
    """CPU seconds of the PostgreSQL backends serving `client`'s connections."""
    from django.conf import settings
    from django.db import connection

    port = int(settings.DATABASES["default"]["PORT"] or 5432)
    ports = [c.laddr.port for c in client.net_connections(kind="tcp") if c.raddr and c.raddr.port == port]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [ports])
        pids = [row[0] for row in cursor.fetchall()]
    if not pids:
        return None
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def time_consumer(name: str, topic: str, produced: int) -> dict:
    """One `kafka_consume NAME` on the backlog, timed until its group
    committed `produced` events; the CPU figures are read at that moment."""
    from confluent_kafka import Consumer, TopicPartition
    from django.conf import settings

    env = os.environ | {"LOG_LEVEL": "WARNING", "DEBUG": "false"}
    watcher = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                        "group.id": settings.KAFKA_TOPIC_PREFIX + name})
    partitions = [TopicPartition(topic, p) for p in watcher.list_topics(topic, timeout=10).topics[topic].partitions]
    master = postmaster()
    writes_before = table_writes()
    pg_before = postgres_cpu(master)
    start = time.monotonic()
    consumer = start_consumer(name, env)
    first = None
    try:
        process = psutil.Process(consumer.pid)
        while True:
            done = sum(max(tp.offset, 0) for tp in watcher.committed(partitions, timeout=10))
            now = time.monotonic()
            if done and first is None:  # started, and a first batch applied
                first = (now - start, done, cpu_seconds(process))
            if done >= produced:
                elapsed = now - start
                consumer_cpu = cpu_seconds(process)
                pg_backend = backend_cpu(process)
                pg_all = postgres_cpu(master) - pg_before
                break
            if consumer.poll() is not None:
                raise SystemExit(f"the consumer exited with {consumer.returncode}")
            time.sleep(0.2)
    finally:
        consumer.send_signal(signal.SIGTERM)
        try:
            consumer.wait(60)
        except Exception:
            consumer.kill()
            consumer.wait()
        watcher.close()
    time.sleep(1.5)  # a backend reports its counts when it exits; let the stats arrive
    writes = writes_between(writes_before, table_writes())
    steady = elapsed > first[0] and produced > first[1]
    return {
        "events": produced,
        "seconds": round(elapsed, 2),
        "events_per_s": round(produced / elapsed),
        "first_commit_s": round(first[0], 2),
        "events_per_s_after_first_commit": round((produced - first[1]) / (elapsed - first[0])) if steady else None,
        "consumer_cpu_s": round(consumer_cpu, 2),
        "consumer_cpu_pct": round(100 * consumer_cpu / elapsed, 1),
        "events_per_consumer_cpu_s": round(produced / consumer_cpu),
        "consumer_cpu_s_at_first_commit": round(first[2], 2),
        "events_per_consumer_cpu_s_after_first_commit":
            round((produced - first[1]) / (consumer_cpu - first[2])) if steady else None,
        "postgres_backend_cpu_s": round(pg_backend, 2) if pg_backend is not None else None,
        "postgres_backend_cpu_pct": round(100 * pg_backend / elapsed, 1) if pg_backend is not None else None,
        "postgres_all_cpu_s": round(pg_all, 2),
        "table_writes": writes,
        "rows_written": sum(sum(counts.values()) for counts in writes.values()),
        "rows_written_per_s": round(sum(sum(counts.values()) for counts in writes.values()) / elapsed),
    }


def forget(rooms, people, prefix: str) -> None:
    """The run's rooms (their chat lines and visits with them), players and records."""
    from habbo.models import ProcessedEvent, User
    from rooms.models import Room

    Room.objects.filter(pk__in=[r.pk for r in rooms]).delete()
    User.objects.filter(pk__in=[u.pk for u in people]).delete()
    ProcessedEvent.objects.filter(topic__startswith=prefix).delete()


def measure(args) -> dict:
    from django.conf import settings
    from django.db import connection

    from chat.models import ChatLine
    from habbo.bus.topics import CHAT_MESSAGES, ROOM_EVENTS
    from rooms.models import Room, Visit

    only = args.only.split(",") if args.only else list(NAMES)
    if unknown := set(only) - set(NAMES):
        raise SystemExit(f"--only: no {', '.join(sorted(unknown))}; pick from {', '.join(NAMES)}")
    rng = random.Random(13)
    rooms, people = world(args.rooms, args.players)
    room_ids = [r.pk for r in rooms]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('fsync'), "
                       "current_setting('synchronous_commit')")
        version, fsync, synchronous_commit = cursor.fetchone()
    result = {
        "scenario": f"one consumer process applying a backlog of {args.count} events, "
                    f"{args.rooms} rooms, {args.players} players",
        "postgres": {"version": version, "fsync": fsync, "synchronous_commit": synchronous_commit},
        "consumers": {},
    }
    try:
        if "chat-history" in only:
            events = chat_lines(args.count, rooms, people, rng)
            publishing = asyncio.run(publish_all(events))
            figures = time_consumer("chat-history", CHAT_MESSAGES.full_name, len(events))
            figures["published_per_s"] = round(len(events) / publishing)
            figures["chat_lines_stored"] = ChatLine.objects.filter(room_id__in=room_ids).count()
            result["consumers"]["chat-history"] = figures
            print(f"chat-history: {figures['events_per_s']} events/s", flush=True)
        if {"visit-log", "room-stats"} & set(only):
            events = visits(args.count, rooms, people, rng)
            publishing = asyncio.run(publish_all(events))
            last_seq = {}
            for event, _ in events:
                last_seq[event.room_id] = event.seq
            for name in ("visit-log", "room-stats"):
                if name not in only:
                    continue
                figures = time_consumer(name, ROOM_EVENTS.full_name, len(events))
                figures["published_per_s"] = round(len(events) / publishing)
                if name == "visit-log":
                    stored = Visit.objects.filter(room_id__in=room_ids)
                    figures["visits_stored"] = stored.count()
                    figures["visits_closed"] = stored.filter(entered_at__isnull=False, left_at__isnull=False).count()
                else:
                    counts = Room.objects.filter(pk__in=room_ids).values_list("pk", "player_count", "occupancy_seq")
                    figures["rooms_at_their_last_change"] = sum(
                        1 for pk, present, seq in counts if present == 0 and seq == last_seq.get(pk, 0))
                result["consumers"][name] = figures
                print(f"{name}: {figures['events_per_s']} events/s", flush=True)
    finally:
        forget(rooms, people, settings.KAFKA_TOPIC_PREFIX)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50000, help="the backlog for each consumer")
    parser.add_argument("--only", help=f"a comma list of {', '.join(NAMES)} (default: all)")
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.players < 2 * args.rooms:
        parser.error("a whisper needs someone else in the room: --players at least twice --rooms")
    run_and_report("consumers", measure, args,
                   machine=f"{os.cpu_count()} cores; producer, broker, consumer and PostgreSQL on the same cores")


if __name__ == "__main__":
    main()
