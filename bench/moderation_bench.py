"""A moderator's action → its effect on the player's sockets (issue 12: "within a second").

PLAYERS players each keep a hotel socket and a room socket open on one real
daphne (real WebSocket clients). A moderator then mutes each of them in turn,
RATE a second, with the service the admin and the game call (checks, publish,
wait for Kafka's ack); the `moderation` consumer applies it. Measured from
just before the send to (a) the `moderation.sanctioned` notice on the
player's hotel socket; then each player is kicked the same way, measured to
(b) the close (4410) of the player's room socket.

    bench/run moderation --players 100 --rate 20 --out bench/results/moderation.json
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")

from friends_bench import players, run_and_report, start_consumer, web_env  # noqa: E402
from rooms_load import quantile, session_key, start_servers  # noqa: E402


def summary(latencies: dict[int, float], sent: dict[int, float], expected: int) -> dict:
    lat = sorted((latencies[uid] - sent[uid]) * 1000 for uid in latencies if uid in sent)
    return {"count": expected, "received": len(lat), "lost": expected - len(lat),
            "p50_ms": quantile(lat, 0.5), "p99_ms": quantile(lat, 0.99), "max_ms": round(lat[-1], 2) if lat else None}


def run(args) -> dict:
    from asgiref.sync import sync_to_async
    from django.db import connections

    from habbo.models import Rank, User
    from moderation.models import Sanction
    from moderation.services import sanction_request
    from rooms.models import Room

    tag = uuid.uuid4().hex[:6]
    targets = players(f"mb{tag}p", args.players)
    moderator = User.objects.create(username=f"mb{tag}mod", is_staff=True, rank=Rank.MODERATOR)
    room = Room.objects.create(owner=moderator, name="Bench room", floor_plan="\n".join(["0" * 16] * 16),
                               door_x=0, door_y=0, capacity=200)
    keys = {user.pk: session_key(user) for user in targets}
    env = os.environ | {"LOG_LEVEL": "WARNING", "DEBUG": "false"}
    consumer = start_consumer("moderation", env)
    [(port, server)] = start_servers(1, web_env(env))
    origin, muted, kicked, sent = f"http://127.0.0.1:{port}", {}, {}, {"mute": {}, "kick": {}}
    headers = {uid: {"Cookie": f"sessionid={key}"} for uid, key in keys.items()}

    async def hotel(uid, ready):
        async with connect(f"ws://127.0.0.1:{port}/ws/hotel/", origin=origin, additional_headers=headers[uid]) as ws:
            ready.set()
            async for raw in ws:
                if json.loads(raw)["type"] == "moderation.sanctioned":
                    muted.setdefault(uid, time.monotonic())

    async def in_room(uid, ready):
        async with connect(f"ws://127.0.0.1:{port}/ws/rooms/{room.pk}/", origin=origin,
                           additional_headers=headers[uid], max_queue=None) as ws:
            await ws.recv()  # the snapshot
            ready.set()
            try:
                async for _ in ws:
                    pass
            except ConnectionClosed:
                pass
            if ws.close_code == 4410:
                kicked[uid] = time.monotonic()

    async def act(kind: str, **extra):
        start = time.monotonic()
        for i, user in enumerate(targets):
            await asyncio.sleep(max(0.0, start + i / args.rate - time.monotonic()))
            sent[kind][user.pk] = time.monotonic()
            await sync_to_async(sanction_request)(moderator=moderator, target_id=user.pk, kind=kind,
                                                  reason="bench", room_id=room.pk, **extra)

    async def settle(received: dict, deadline_s: float = 15):
        deadline = time.monotonic() + deadline_s
        while len(received) < len(targets) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def warmed_up():
        """Timing starts once the consumer has joined its group and applied a first sanction."""
        [warm] = await sync_to_async(players)(f"mb{tag}w", 1)
        await sync_to_async(sanction_request)(moderator=moderator, target_id=warm.pk, kind="alert", reason="warm-up")
        deadline = time.monotonic() + 60
        while not await Sanction.objects.filter(target=warm).aexists():
            if time.monotonic() > deadline:
                raise SystemExit("the warm-up sanction was never applied")
            await asyncio.sleep(0.1)

    async def scenario():
        await warmed_up()
        readies = [asyncio.Event() for _ in range(2 * len(targets))]
        tasks = [asyncio.create_task(hotel(u.pk, r)) for u, r in zip(targets, readies)]
        for user, ready in zip(targets, readies[len(targets):]):  # entering one after another
            tasks.append(asyncio.create_task(in_room(user.pk, ready)))
            await ready.wait()
        await asyncio.gather(*(r.wait() for r in readies))
        await act("mute", minutes=1)
        await settle(muted)
        await act("kick")
        await settle(kicked)
        for task in tasks:
            task.cancel()
        await sync_to_async(connections.close_all)()

    try:
        asyncio.run(scenario())
    finally:
        consumer.send_signal(signal.SIGTERM)
        server.terminate()
        consumer.wait(30)
        server.wait(30)
    return {
        "scenario": f"{args.players} players online; each muted, then kicked, by a moderator, {args.rate} actions/s",
        "mute_to_notice": summary(muted, sent["mute"], len(targets)),
        "kick_to_close": summary(kicked, sent["kick"], len(targets)),
        "note": "from just before the moderator's publish to the player's socket; timed once a warm-up "
                "sanction was applied (the consumer had joined its group)",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--out", type=Path)
    run_and_report("moderation", run, parser.parse_args())


if __name__ == "__main__":
    main()
