"""The hotel's walk relay against three peers, at the same loads, in one run.

Systems (bench/README.md, section "Peers", says what each is and what it skips):
  hotel            python -m habbo.web, as bench/run rooms starts it
  channels-core    bench/peers/channels_relay.py on daphne, channels_redis's RedisChannelLayer
  channels-pubsub  the same with RedisPubSubChannelLayer
  go-relay         bench/peers/gorelay (gorilla/websocket + go-redis pub/sub), one process

For each load (players in rooms of --room-size, 25 by default), each system in turn gets fresh server
processes and the rooms benchmark's Go clients (bench/roomsload, through
rooms_load.run_clients): everyone enters, then walks every INTERVAL s; after
a warm-up, DURATION s are measured. A system whose p99 passes --give-up-ms,
or that loses or drops more than a tenth, is not run at the higher loads.
The result file is rewritten after every run, so an interrupted run keeps
what it measured. Run it through bench/run (which starts the services and
builds the Go programs):

    bench/run peers --loads 250,500,1000,2000,3000 --duration 20 --out bench/results/peers.json
    bench/run peers --loads 100,200,300,400,500 --room-size 500 --side 32 --out bench/results/peers-one-room.json
"""

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import rooms_load  # noqa: E402  (the hotel's world, servers and the Go clients)

SYSTEMS = ("hotel", "channels-core", "channels-pubsub", "go-relay")
# Live state and layers each in a Redis database of their own: the tests use 0.
HOTEL_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6390/4"
PEERS_REDIS_URL = os.environ.get("PEERS_REDIS_URL", "redis://127.0.0.1:6390/5")
DATABASE_URL = os.environ.get("PEERS_DATABASE_URL", "postgres://habbo:habbo@127.0.0.1:5442/habbo_peers_bench")


class Meter:
    """Stands in for a psutil.Process in rooms_load.run_clients, which samples
    each server when the measured window starts and when it ends: keeps the CPU
    seconds used in between. An uncounted meter (Redis, shared with the rest
    of the machine) adds nothing to the servers' sum."""

    def __init__(self, cpu_seconds, rss_bytes=lambda: 0, counted=True):
        self.cpu_seconds, self.rss_bytes, self.counted = cpu_seconds, rss_bytes, counted
        self.mark = None
        self.used_s = 0.0

    @classmethod
    def process(cls, pid: int) -> "Meter":
        proc = psutil.Process(pid)  # reads /proc/PID/stat and /proc/PID/statm

        def cpu():
            times = proc.cpu_times()
            return times.user + times.system

        return cls(cpu, lambda: proc.memory_info().rss)

    def cpu_percent(self, interval=None):
        now, cpu = time.monotonic(), self.cpu_seconds()
        percent = 0.0
        if self.mark:
            self.used_s = cpu - self.mark[1]
            percent = 100 * self.used_s / max(now - self.mark[0], 1e-9)
        self.mark = (now, cpu)
        return percent if self.counted else 0.0

    def memory_info(self):
        return SimpleNamespace(rss=self.rss_bytes() if self.counted else 0)


def redis_meter(url: str) -> Meter:
    import redis

    client = redis.Redis.from_url(url)

    def cpu():
        info = client.info("cpu")
        return info["used_cpu_user"] + info["used_cpu_sys"]

    return Meter(cpu, counted=False)


def wait_for(ports: list[int], procs: list[subprocess.Popen], what: str):
    for port, proc in zip(ports, procs):
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} on {port} did not start")
            time.sleep(0.2)


def start_peer(system: str, count: int) -> list[tuple[int, subprocess.Popen]]:
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "a")
    servers = []
    for _ in range(count):
        port = rooms_load.free_port()
        if system == "go-relay":
            argv = [os.environ["PEERS_RELAY_BIN"], "-addr", f"127.0.0.1:{port}", "-redis", PEERS_REDIS_URL,
                    "-prefix", "peers:go:"]
            env = os.environ
        else:
            # daphne's own defaults but for the accept backlog, which is the hotel's (habbo/web.py).
            argv = [sys.executable, "-m", "daphne", "-e", f"tcp:port={port}:interface=127.0.0.1:backlog=1024",
                    "channels_relay:application"]
            env = os.environ | {"DJANGO_SETTINGS_MODULE": "channels_settings", "PYTHONPATH": str(HERE),
                                "PEER_LAYER": system.removeprefix("channels-"), "PEER_REDIS_URL": PEERS_REDIS_URL}
        servers.append((port, subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=log)))
    wait_for([p for p, _ in servers], [s for _, s in servers], system)
    return servers


def clear_peers_redis():
    import redis

    client = redis.Redis.from_url(PEERS_REDIS_URL)
    for key in client.scan_iter("peers-*"):
        client.delete(key)


def stop(servers):
    for _, proc in servers:
        proc.terminate()
    for _, proc in servers:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_one(system: str, players: list[tuple[str, str]], args) -> dict:
    """One system at one load: fresh servers, the Go clients, one row."""
    if system == "hotel":
        rooms_load.clear_live_state()
        env = os.environ | {"DATABASE_URL": DATABASE_URL, "DEBUG": "false", "LOG_LEVEL": "WARNING",
                            "REDIS_URL": HOTEL_REDIS_URL}
        servers = rooms_load.start_servers(args.servers, env)
    else:
        clear_peers_redis()
        servers = start_peer(system, 1 if system == "go-relay" else args.servers)
    meters = [Meter.process(proc.pid) for _, proc in servers]
    redis_cpu = redis_meter(HOTEL_REDIS_URL if system == "hotel" else PEERS_REDIS_URL)
    load = argparse.Namespace(interval=args.interval, duration=args.duration, warmup=args.warmup,
                              clients=len(players), pin_rooms=True, side=args.side)
    error = None
    try:
        outcome, _, rss = rooms_load.run_clients(load, players, [port for port, _ in servers], meters + [redis_cpu])
    except SystemExit as failed:  # the load generator failed: the row says so, the sweep goes on
        outcome, rss, error = None, 0.0, str(failed)
    finally:
        stop(servers)
        if system == "hotel":
            rooms_load.clear_live_state()
        else:
            clear_peers_redis()
    rooms = len({room for _, room in players})
    row = {"system": system, "players": len(players), "rooms": rooms,
           "servers": len(servers), "walk_interval_s": args.interval}
    if outcome is None:
        return row | {"error": error}
    measured = outcome["measured_s"]
    received = outcome["received"]
    cpu_s = sum(meter.used_s for meter in meters)
    return row | {
        "duration_s": round(measured, 1),
        "walks_measured": outcome["walks"],
        "deliveries_expected": outcome["expected"],
        "deliveries_received": received,
        "lost": max(0, outcome["expected"] - received),
        **{key: outcome[key] for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")},
        "msgs_per_s": round(received / measured, 1) if measured else 0,
        "server_cpu_s": round(cpu_s, 2),
        "cpu_per_1000": round(1000 * cpu_s / received, 3) if received else None,
        "redis_cpu_per_1000": round(1000 * redis_cpu.used_s / received, 3) if received else None,
        "server_rss_mb": round(rss, 1),
        "client_failures": outcome["client_failures"],
        "first_client_error": outcome.get("first_error"),
        "entered_s": round(outcome["entered_s"], 1),
        "windows": outcome["windows"],
    }


def gave_up(row: dict, args) -> str | None:
    """Why the higher loads are not worth running for this system, if so."""
    if "error" in row:
        return row["error"]
    if row["p99_ms"] is None or row["p99_ms"] > args.give_up_ms:
        return f"p99 {row['p99_ms']} ms > {args.give_up_ms} ms"
    if row["lost"] > 0.1 * row["deliveries_expected"]:
        return f"{row['lost']} of {row['deliveries_expected']} deliveries lost"
    if row["client_failures"] > 0.1 * row["players"]:
        return f"{row['client_failures']} of {row['players']} clients failed ({row['first_client_error']})"
    return None


def summary(system: str, rows: list[dict], stopped: dict | None, top_load: int) -> dict:
    """The system's headline: the most deliveries a second among its loads with p99 < 100 ms."""
    measured = [row for row in rows if "error" not in row]
    good = [row for row in measured if row["p99_ms"] is not None and row["p99_ms"] < 100]
    best = max(good, key=lambda row: row["msgs_per_s"], default=None)
    shown = best or (measured[0] if measured else {})
    return {
        "system": system,
        "msgs_per_s_at_p99_100": best["msgs_per_s"] if best else 0,
        "p99_ms": shown.get("p99_ms"),
        "lost": shown.get("lost"),
        "cpu_per_1000": shown.get("cpu_per_1000"),
        "redis_cpu_per_1000": shown.get("redis_cpu_per_1000"),
        "at_players": shown.get("players"),
        "below_p99_100": best is not None,
        # Under 100 ms at the sweep's highest load: the system can do more than this run asked.
        "capped_by_sweep": best is not None and best["players"] == top_load,
        "gave_up": stopped,
        "loads": rows,
    }


def table(result: dict) -> str:
    lines = ["| system | deliveries/s at p99 < 100 ms | players | p99 ms | lost | server CPU s per 1,000 | Redis CPU s per 1,000 |",
             "|---|---|---|---|---|---|---|"]
    for entry in result["systems"]:
        note = "" if entry["below_p99_100"] else " (none; lowest load shown)"
        at_least = "≥ " if entry["capped_by_sweep"] else ""  # under 100 ms at the sweep's highest load
        lines.append(f"| {entry['system']} | {at_least}{entry['msgs_per_s_at_p99_100']:,.0f}{note} | {entry['at_players']} | "
                     f"{entry['p99_ms']} | {entry['lost']} | {entry['cpu_per_1000']} | {entry['redis_cpu_per_1000']} |")
    lines += ["", "| system | players | p50 ms | p99 ms | max ms | lost | delivered/s | server CPU s | entered s | failures |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for entry in result["systems"]:
        for row in entry["loads"]:
            if "error" in row:
                lines.append(f"| {row['system']} | {row['players']} | error: {row['error']} |||||||| ")
                continue
            lines.append(f"| {row['system']} | {row['players']} | {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | "
                         f"{row['lost']} | {row['msgs_per_s']:,.0f} | {row['server_cpu_s']} | {row['entered_s']} | "
                         f"{row['client_failures']} |")
        if entry["gave_up"]:
            lines.append(f"| {entry['system']} | > {entry['gave_up']['after_players']} | not run: "
                         f"{entry['gave_up']['reason']} |||||||| ")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", default="250,500,1000,2000,3000", help="players, in rooms of --room-size")
    parser.add_argument("--room-size", type=int, default=25, help="players per room")
    parser.add_argument("--side", type=int, default=16, help="the rooms' floor is SIDE × SIDE tiles")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one client's walks")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--servers", type=int, default=2, help="server processes (the Go relay: always 1)")
    parser.add_argument("--give-up-ms", type=float, default=500.0,
                        help="a system whose p99 passes this is not run at higher loads")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    loads = sorted(int(n) for n in args.loads.split(","))
    systems = [name for name in args.systems.split(",") if name]
    if unknown := set(systems) - set(SYSTEMS):
        raise SystemExit(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")

    hotel_players = []
    if "hotel" in systems:
        os.environ["REDIS_URL"] = HOTEL_REDIS_URL  # the runner's own clear_live_state as well
        rooms_load.ensure_database(DATABASE_URL)
        rooms_load.setup_django(DATABASE_URL)
        rooms = -(-loads[-1] // args.room_size)
        room_ids, world = rooms_load.make_world(loads[-1], rooms, args.side)
        hotel_players = [key for key, _ in world]  # one logged-in session per player, in any room

    result = {
        "what": "walk deliveries: the hotel against the stock Channels relay (core and pub/sub layers) and a Go relay",
        "room_size": args.room_size, "side": args.side, "walk_interval_s": args.interval,
        "measured_s_per_run": args.duration,
        "loads": loads, "systems": [],
        "load_generator": "bench/roomsload (Go), on the same 2 cores",
        "machine": f"{psutil.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB",
        "date": datetime.date.today().isoformat(),
        "command": "bench/run peers " + " ".join(sys.argv[1:]),
    }
    rows = {system: [] for system in systems}
    stopped = {system: None for system in systems}

    def write():
        result["systems"] = [summary(system, rows[system], stopped[system], loads[-1]) for system in systems]
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, indent=2) + "\n")

    for load in loads:
        rooms = -(-load // args.room_size)
        for system in systems:
            if stopped[system]:
                continue
            if system == "hotel":
                players = [(hotel_players[i], room_ids[i % rooms]) for i in range(load)]
            else:  # the cookie is the user id
                players = [(str(i + 1), str(i % rooms + 1)) for i in range(load)]
            started = time.monotonic()
            row = run_one(system, players, args)
            row["run_s"] = round(time.monotonic() - started, 1)
            rows[system].append(row)
            print(f"{system:16} {load:6} players: p99 {row.get('p99_ms')} ms, {row.get('msgs_per_s')} delivered/s, "
                  f"lost {row.get('lost')}, cpu/1000 {row.get('cpu_per_1000')} ({row['run_s']} s)", file=sys.stderr, flush=True)
            if reason := gave_up(row, args):
                stopped[system] = {"after_players": load, "reason": reason}
            write()
            time.sleep(2)  # let the last run's processes go
    write()

    hotel = next((e for e in result["systems"] if e["system"] == "hotel"), None)
    if hotel:
        result["hotel_over_peer"] = {
            e["system"]: round(hotel["msgs_per_s_at_p99_100"] / e["msgs_per_s_at_p99_100"], 2)
            if e["msgs_per_s_at_p99_100"] else None
            for e in result["systems"] if e["system"] != "hotel"
        }
        write()
    print(json.dumps({k: v for k, v in result.items() if k != "systems"}, indent=2))
    print(table(result))


if __name__ == "__main__":
    main()
