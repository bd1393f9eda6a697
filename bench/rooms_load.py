"""Load generator for live rooms: real logged-in WebSocket clients walking.

It starts its own daphne process(es) on 127.0.0.1 against the project's
PostgreSQL, Redis and Kafka (database `habbo_bench`, topics `bench.*`),
connects CLIENTS players spread over ROOMS rooms, makes each walk to a random
tile every INTERVAL seconds for DURATION seconds, and measures, for every
walk, the time from sending it to each *other* client in the room receiving
the server's `walk` message. Then it writes a JSON result.

Run it through bench/run (which starts the services):
    bench/run rooms --clients 1000 --rooms 40 --interval 3 --duration 60 --out bench/results/rooms-1000.json
"""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("kafka_topics", verbosity=0)


def make_world(clients: int, rooms: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Rooms and logged-in players (session keys) for the run."""
    from habbo.models import User
    from rooms.models import Room

    owner, _ = User.objects.get_or_create(username="bench-owner")
    room_ids = []
    per_room = -(-clients // rooms)
    for i in range(rooms):
        room, _ = Room.objects.get_or_create(
            name=f"Bench room {i:03d}",
            owner=owner,
            defaults=dict(floor_plan="\n".join(["0" * 16] * 16), door_x=0, door_y=0, capacity=min(100, max(per_room, 25))),
        )
        room.capacity = min(100, max(per_room, 25))
        room.save(update_fields=["capacity"])
        room_ids.append(str(room.pk))
    players = []
    for i in range(clients):
        user, _ = User.objects.get_or_create(username=f"bench{i:05d}")
        players.append((session_key(user), room_ids[i % rooms]))
    return room_ids, players


def session_key(user) -> str:
    """A logged-in Django session for a real WebSocket client."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def quantile(values: list[float], q: float) -> float | None:
    """The q-quantile of sorted values, in ms rounded to 0.01."""
    return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else None


def clear_live_state():
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter("live:*"):
        client.delete(key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(count: int, env: dict) -> list[tuple[int, subprocess.Popen]]:
    servers = []
    for _ in range(count):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "--websocket-max-message-size",
             "16384", "--websocket-max-frame-size", "16384", "habbo.asgi:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "a"),
        )
        servers.append((port, proc))
    for port, _ in servers:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline:
                raise SystemExit(f"daphne on {port} did not start")
            time.sleep(0.2)
    return servers


class Stats:
    def __init__(self):
        self.sent: dict[int, tuple[float, bool]] = {}  # user id → (time of latest walk request, measured?)
        self.expected = 0
        self.walks = 0
        self.latencies: list[float] = []
        self.received = 0
        self.members: dict[str, set[int]] = {}
        self.measuring = False


async def client(url: str, origin: str, session_key: str, room: str, stats: Stats, args, start_at: float,
                 stop_at: float):
    async with connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={session_key}"},
                       open_timeout=60, max_queue=None, ping_interval=None) as ws:
        snapshot = json.loads(await ws.recv())
        me = snapshot["you"]
        stats.members.setdefault(room, set()).add(me)

        async def reader():
            async for raw in ws:
                now = time.monotonic()
                if '"type": "walk"' not in raw[:20]:
                    continue
                message = json.loads(raw)
                sender = message["user"]
                sent_at, measured = stats.sent.get(sender, (0.0, False))
                if sender != me and measured:
                    stats.latencies.append((now - sent_at) * 1000)
                    stats.received += 1

        task = asyncio.create_task(reader())
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + random.uniform(0, args.interval))
        while time.monotonic() < stop_at:
            stats.sent[me] = (time.monotonic(), stats.measuring)
            if stats.measuring:
                stats.walks += 1
                stats.expected += len(stats.members[room]) - 1
            await ws.send(json.dumps({"type": "walk", "x": random.randrange(16), "y": random.randrange(16)}))
            await asyncio.sleep(args.interval)
        await asyncio.sleep(2)  # let the last walks arrive
        task.cancel()


async def run_clients(args, players, servers, server_procs):
    stats = Stats()
    connect_secs = max(10.0, args.clients / 100)
    start_at = time.monotonic() + connect_secs
    stop_at = start_at + args.warmup + args.duration
    tasks = []
    for i, (key, room) in enumerate(players):
        port = servers[hash(room) % len(servers)] if args.pin_rooms else servers[i % len(servers)]
        url = f"ws://127.0.0.1:{port}/ws/rooms/{room}/"
        tasks.append(asyncio.create_task(
            client(url, f"http://127.0.0.1:{port}", key, room, stats, args, start_at, stop_at)))
        if i % 50 == 49:
            await asyncio.sleep(0.2)
    await asyncio.sleep(max(0.0, start_at + args.warmup - time.monotonic()))
    for proc in server_procs:
        proc.cpu_percent(None)
    stats.measuring = True
    measure_start = time.monotonic()
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    measured = time.monotonic() - measure_start
    cpu = sum(proc.cpu_percent(None) for proc in server_procs)
    rss = sum(proc.memory_info().rss for proc in server_procs) / 2**20
    stats.measuring = False
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    return stats, measured, cpu, rss, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one client's walks")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--servers", type=int, default=1, help="daphne processes")
    parser.add_argument("--pin-rooms", action="store_true", help="each room on one daphne process")
    parser.add_argument("--scenario", default="")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://habbo:habbo@127.0.0.1:5442/habbo_bench")
    ensure_database(database_url)
    setup_django(database_url)
    clear_live_state()
    _, players = make_world(args.clients, args.rooms)
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server_list = start_servers(args.servers, env)
    procs = [psutil.Process(proc.pid) for _, proc in server_list]
    try:
        stats, measured, cpu, rss, failures = asyncio.run(
            run_clients(args, players, [port for port, _ in server_list], procs))
    finally:
        for _, proc in server_list:
            proc.terminate()
            proc.wait(30)
        clear_live_state()

    lat = sorted(stats.latencies)
    result = {
        "scenario": args.scenario or f"{args.clients} clients in {args.rooms} rooms",
        "clients": args.clients,
        "rooms": args.rooms,
        "servers": args.servers,
        "walk_interval_s": args.interval,
        "duration_s": round(measured, 1),
        "walks_measured": stats.walks,
        "deliveries_expected": stats.expected,
        "deliveries_received": stats.received,
        "lost": max(0, stats.expected - stats.received),
        "p50_ms": quantile(lat, 0.50),
        "p90_ms": quantile(lat, 0.90),
        "p99_ms": quantile(lat, 0.99),
        "max_ms": round(lat[-1], 2) if lat else None,
        "mean_ms": round(statistics.fmean(lat), 2) if lat else None,
        "msgs_per_s": round(stats.received / measured, 1) if measured else 0,
        "server_cpu_pct": round(cpu, 1),
        "server_rss_mb": round(rss, 1),
        "client_failures": len(failures),
        "machine": f"{psutil.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB",
        "command": "bench/run rooms " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


def ensure_database(url: str):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
