"""Load generator for live rooms: real logged-in WebSocket clients walking.

It starts its own daphne process(es) on 127.0.0.1 against the project's
PostgreSQL, Redis and Kafka (database `habbo_bench`, topics `bench.*`),
connects CLIENTS players spread over ROOMS rooms, makes each walk to a random
tile every INTERVAL seconds for DURATION seconds, and measures, for every
walk, the time from sending it to each *other* client in the room receiving
the server's `walk` message. Then it writes a JSON result. The clients are
bench/roomsload, in Go: they share the 2 cores with the server they measure.

Run it through bench/run (which starts the services):
    bench/run rooms --clients 1000 --rooms 40 --interval 3 --duration 60 --out bench/results/rooms-1000.json
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

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


def make_world(clients: int, rooms: int, side: int = 16) -> tuple[list[str], list[tuple[str, str]]]:
    """Rooms and logged-in players (session keys) for the run."""
    from habbo.models import User
    from rooms.models import MAX_CAPACITY, Room

    owner, _ = User.objects.get_or_create(username="bench-owner")
    room_ids = []
    per_room = -(-clients // rooms)
    if per_room > MAX_CAPACITY:
        raise SystemExit(f"{per_room} players per room: a room holds at most {MAX_CAPACITY}")
    capacity = max(per_room, 25)
    floor_plan = "\n".join(["0" * side] * side)
    for i in range(rooms):
        room, _ = Room.objects.get_or_create(
            name=f"Bench room {i:03d}",
            owner=owner,
            defaults=dict(floor_plan=floor_plan, door_x=0, door_y=0, capacity=capacity),
        )
        room.capacity, room.floor_plan = capacity, floor_plan
        room.save(update_fields=["capacity", "floor_plan"])
        room_ids.append(str(room.pk))
    players = []
    for i in range(clients):
        user, _ = User.objects.get_or_create(username=f"bench{i:05d}")
        players.append((session_key(user), room_ids[i % rooms]))
    return room_ids, players


def session_key(user) -> str:
    """A logged-in Django session for a real WebSocket client, stored as a
    login stores it (SESSION_ENGINE), with the copies of the player and of
    their friend ids that a login makes (its user_logged_in receivers; the
    others, e.g. django-axes's log, need a request)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from friends import friend_cache
    from habbo import socket_user

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # what a login through the form records
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    for logged_in in (socket_user.logged_in, friend_cache.logged_in):
        logged_in(sender=type(user), user=user)
    return session.session_key


def quantile(values: list[float], q: float) -> float | None:
    """The q-quantile of sorted values, in ms rounded to 0.01."""
    return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else None


def clear_live_state():
    from habbo.redis import sync_redis

    client = sync_redis()  # on a Redis Cluster its scan covers every master
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
            [sys.executable, "-m", "habbo.web", str(port)],
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


def cpu_pct(procs) -> float:
    """The processes' CPU % (100 = one core) since the previous call."""
    return sum(proc.cpu_percent(None) for proc in procs)


def rss_mb(procs) -> float:
    return sum(proc.memory_info().rss for proc in procs) / 2**20


def run_clients(args, players, ports, server_procs, idle: dict | None = None) -> tuple[dict, float, float]:
    """Run the Go clients (bench/roomsload); returns their result and the
    servers' CPU % and RSS (MiB) over the measured window. With --idle, the
    servers' CPU % while everyone is in and nobody walks, and their RSS then,
    go into `idle`."""
    idle = {} if idle is None else idle
    config = {
        "players": [],
        "interval_s": args.interval,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connect_s": max(30.0, args.clients / 10),
        "side": getattr(args, "side", 16),
        "entering": getattr(args, "entering", 32),
        "spawn_per_s": getattr(args, "spawn_rate", 250),
        "idle_s": getattr(args, "idle", 0),
    }
    room_index = {room: i for i, room in enumerate(dict.fromkeys(room for _, room in players))}
    for i, (key, room) in enumerate(players):
        port = ports[room_index[room] % len(ports)] if args.pin_rooms else ports[i % len(ports)]
        config["players"].append({"url": f"ws://127.0.0.1:{port}/ws/rooms/{room}/",
                                  "origin": f"http://127.0.0.1:{port}", "session": key, "room": room})
    clients = subprocess.Popen([os.environ["ROOMS_LOAD_BIN"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    clients.stdin.write(json.dumps(config))
    clients.stdin.close()
    cpu = rss = 0.0
    outcome = None
    for line in clients.stdout:
        message = json.loads(line)
        if message["event"] in ("idle", "measuring"):
            cpu_pct(server_procs)  # starts the window
        elif message["event"] == "idle_end":
            idle["cpu_pct"], idle["rss_mb"] = cpu_pct(server_procs), rss_mb(server_procs)
        elif message["event"] == "measured":
            cpu, rss = cpu_pct(server_procs), rss_mb(server_procs)
        elif message["event"] == "result":
            outcome = message
    if clients.wait() != 0 or outcome is None:
        raise SystemExit(f"the load generator failed (exit {clients.returncode})")
    return outcome, cpu, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one client's walks")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--servers", type=int, default=1, help="daphne processes")
    parser.add_argument("--side", type=int, default=16, help="the rooms' floor is SIDE × SIDE tiles")
    # More handshakes in flight only queue up in the server until Daphne drops those older than 5 s.
    parser.add_argument("--entering", type=int, default=32, help="handshakes in flight at most")
    parser.add_argument("--spawn-rate", type=int, default=250, help="clients started a second at most")
    parser.add_argument("--idle", type=float, default=0,
                        help="seconds everyone is in and nobody walks, before walking: idle CPU and memory per socket")
    parser.add_argument("--pin-rooms", action="store_true", help="each room on one daphne process")
    parser.add_argument("--scenario", default="")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://habbo:habbo@127.0.0.1:5442/habbo_bench")
    ensure_database(database_url)
    setup_django(database_url)
    clear_live_state()
    _, players = make_world(args.clients, args.rooms, args.side)
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server_list = start_servers(args.servers, env)
    procs = [psutil.Process(proc.pid) for _, proc in server_list]
    rss_empty = rss_mb(procs)
    idle = {}
    try:
        outcome, cpu, rss = run_clients(args, players, [port for port, _ in server_list], procs, idle)
    finally:
        for _, proc in server_list:
            proc.terminate()
            proc.wait(30)
        clear_live_state()

    measured = outcome["measured_s"]
    result = {
        "scenario": args.scenario or f"{args.clients} clients in {args.rooms} rooms",
        "clients": args.clients,
        "rooms": args.rooms,
        "servers": args.servers,
        "walk_interval_s": args.interval,
        "duration_s": round(measured, 1),
        "walks_measured": outcome["walks"],
        "deliveries_expected": outcome["expected"],
        "deliveries_received": outcome["received"],
        "lost": max(0, outcome["expected"] - outcome["received"]),
        **{key: outcome[key] for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")},
        "msgs_per_s": round(outcome["received"] / measured, 1) if measured else 0,
        "server_cpu_pct": round(cpu, 1),
        "server_rss_mb": round(rss, 1),
        "client_failures": outcome["client_failures"],
        "first_client_error": outcome.get("first_error"),
        "entered_s": round(outcome["entered_s"], 1),
        "entered_by_s": outcome["entered_by_s"],
        **({"idle_cpu_pct": round(idle["cpu_pct"], 1),
            # What the servers grew by with everyone in (and nobody walking), per socket.
            "rss_per_socket_kib": round((idle["rss_mb"] - rss_empty) * 1024 / args.clients, 1)} if idle else {}),
        "windows": outcome["windows"],
        "load_generator": "bench/roomsload (Go)",
        "machine": f"{psutil.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB",
        "command": "bench/run rooms " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(result, indent=2))
    if result["client_failures"]:
        # Deliveries to a client that is not in (any more) are not expected, so `lost` cannot show them.
        print(f"warning: {result['client_failures']} of {args.clients} clients failed or were closed "
              f"({result['first_client_error']}); the figures cover the others only", file=sys.stderr)
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
