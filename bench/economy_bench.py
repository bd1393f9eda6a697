"""Purchases through the whole durable path; writes bench/results/economy.json.

e2e:   RATE purchases a second for DURATION seconds, each sent with the service
       the purchase view calls (purchase_request: checks, publish, wait for
       Kafka's ack); the economy consumer applies it; the buyer's open hotel
       socket (a real WebSocket client on a real daphne) gets the outcome.
       Measured from just before the send to the outcome's arrival.
apply: a backlog of COUNT purchase.requested events is produced first; then one
       `manage.py kafka_consume economy` process is timed until it committed them.
ltd:   a limited offer of STOCK pieces; BUYERS players with their hotel sockets
       open click Buy at once; counted: sold, refused, the outcome p99, and
       whether economy_audit is clean afterwards.

Run it through bench/run:
    bench/run economy --out bench/results/economy.json
"""

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import signal
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

from friends_bench import drop_topics, players, setup, start_consumer, time_backlog, web_env  # noqa: E402
from rooms_load import quantile, session_key, start_servers  # noqa: E402

SENDER_THREADS = 32
OUTCOMES = ("purchase.completed", "purchase.refused")


def fund(users, amount: int) -> None:
    """Credits for fresh bench players, through the ledger (one row each)."""
    from django.db.models import F

    from economy.models import CreditEntry
    from habbo.models import User

    tag = uuid.uuid4().hex[:8]
    CreditEntry.objects.bulk_create(
        [CreditEntry(op_id=f"bench:{tag}:{u.pk}", user=u, amount=amount, reason="staff", balance_after=u.credits + amount)
         for u in users], batch_size=2000,
    )
    User.objects.filter(pk__in=[u.pk for u in users]).update(credits=F("credits") + amount)


def make_offer(price: int, **fields):
    from economy.models import CatalogPage, Offer
    from rooms.models import Item

    tag = uuid.uuid4().hex[:8]
    page, _ = CatalogPage.objects.get_or_create(name="Bench")
    item = Item.objects.create(name=f"Bench chair {tag}", look="chair", can_sit=True)
    return Offer.objects.create(page=page, item=item, price=price, **fields)


def send_clicks(buyers, offer_id: int, count: int, rate: float | None, out, go, warm_up) -> None:
    """In a process of its own: `count` clicks through the purchase service,
    RATE a second round-robin over the buyers (or all at once without a rate),
    once the warm-up purchase (buyers[0] buys `warm_up` = (offer id, key)) has
    come through and `go` is set."""
    from django.db import connection

    from economy.services import purchase_request

    sent: dict[str, float] = {}
    lock = threading.Lock()
    ready = threading.Barrier(SENDER_THREADS)

    def connect(_):
        # A web process's connections are open already: the timed clicks should not open them.
        connection.ensure_connection()
        ready.wait()

    def click(buyer):
        key = uuid.uuid4()
        with lock:
            sent[str(key)] = time.monotonic()
        purchase_request(buyer=buyer, offer_id=offer_id, quantity=1, key=key)

    purchase_request(buyer=buyers[0], offer_id=warm_up[0], quantity=1, key=warm_up[1])
    gc.freeze()
    with ThreadPoolExecutor(max_workers=SENDER_THREADS) as pool:
        list(pool.map(connect, range(SENDER_THREADS)))
        if not go.wait(60):
            raise SystemExit("the warm-up purchase's outcome never arrived")
        start = time.monotonic()
        futures = []
        for i in range(count):
            if rate:
                time.sleep(max(0.0, start + i / rate - time.monotonic()))
            futures.append(pool.submit(click, buyers[i % len(buyers)]))
        for future in futures:
            future.result()
    out.send({"sent": sent, "elapsed": time.monotonic() - start})


def clicks_to_outcomes(buyers, offer, count: int, rate: float | None) -> tuple[dict, dict, float]:
    """Open every buyer's hotel socket, send the clicks (buyers[0] first buys
    one piece of another offer, to warm up), collect the outcomes:
    (sent times, outcomes as (time, notice), seconds the sending took)."""
    from django.db import connections

    warm_up_offer = make_offer(price=1)
    keys = {u.pk: session_key(u) for u in buyers}
    env = os.environ | {"LOG_LEVEL": "WARNING", "DEBUG": "false"}
    consumer = start_consumer("economy", env)
    [(port, server)] = start_servers(1, web_env(env))
    outcomes: dict[str, tuple[float, dict]] = {}

    async def listen(user, ready):
        url = f"ws://127.0.0.1:{port}/ws/hotel/"
        async with connect(url, origin=f"http://127.0.0.1:{port}", open_timeout=60, max_queue=None,
                           additional_headers={"Cookie": f"sessionid={keys[user.pk]}"}) as ws:
            ready.set()
            async for raw in ws:
                now = time.monotonic()
                message = json.loads(raw)
                if message["type"] in OUTCOMES:
                    outcomes.setdefault(message["purchase"], (now, message))

    async def run():
        readies = [asyncio.Event() for _ in buyers]
        tasks = []
        for user, ready in zip(buyers, readies):
            tasks.append(asyncio.create_task(listen(user, ready)))
            await asyncio.sleep(0.002)  # no thundering herd of handshakes
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        connections.close_all()
        # A forked child cannot use the parent's pool (its worker threads stay behind): it makes its own.
        connections["default"].close_pool()
        fork = multiprocessing.get_context("fork")
        results, out = fork.Pipe(duplex=False)
        go = fork.Event()
        warm_up = uuid.uuid4()
        sender = fork.Process(target=send_clicks, args=(buyers, offer.pk, count, rate, out, go, (warm_up_offer.pk, warm_up)))
        sender.start()
        # Timing starts once the consumer has joined its group and a first purchase came through.
        deadline = time.monotonic() + 60
        while str(warm_up) not in outcomes:
            if time.monotonic() > deadline:
                raise SystemExit("the warm-up purchase's outcome never arrived")
            await asyncio.sleep(0.05)
        del outcomes[str(warm_up)]
        gc.freeze()
        go.set()
        while not results.poll():
            await asyncio.sleep(0.2)
        outcome = results.recv()
        sender.join()
        deadline = time.monotonic() + 20
        while len(outcomes) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        return outcome

    try:
        sending = asyncio.run(run())
    finally:
        consumer.send_signal(signal.SIGTERM)
        server.terminate()
        consumer.wait(30)
        server.wait(30)
    return sending["sent"], outcomes, sending["elapsed"]


def latencies(sent: dict, outcomes: dict) -> list[float]:
    return sorted((outcomes[key][0] - sent[key]) * 1000 for key in outcomes if key in sent)


def e2e(args) -> dict:
    tag = uuid.uuid4().hex[:6]
    buyers = players(f"eb{tag}b", args.buyers)
    count = int(args.rate * args.duration)
    fund(buyers, count)  # enough for every click at 1 credit
    offer = make_offer(price=1)
    sent, outcomes, elapsed = clicks_to_outcomes(buyers, offer, count, args.rate)
    lat = latencies(sent, outcomes)
    return {
        "scenario": f"purchase click → outcome on the buyer's socket, {args.rate}/s for {args.duration} s",
        "rate": args.rate,
        "achieved_rate": round(count / elapsed, 1),
        "count": count,
        "buyers_online": len(buyers),
        "completed": sum(1 for _, m in outcomes.values() if m["type"] == "purchase.completed"),
        "lost": count - len(lat),
        "p50_ms": quantile(lat, 0.50),
        "p90_ms": quantile(lat, 0.90),
        "p99_ms": quantile(lat, 0.99),
        "max_ms": round(lat[-1], 2) if lat else None,
    }


def ltd(args) -> dict:
    from economy.audit import audit
    from economy.models import Purchase

    tag = uuid.uuid4().hex[:6]
    buyers = players(f"el{tag}b", args.ltd_buyers)
    fund(buyers, 100)
    offer = make_offer(price=50, limited_stock=args.stock)
    sent, outcomes, sending = clicks_to_outcomes(buyers, offer, len(buyers), None)
    lat = latencies(sent, outcomes)
    kinds = [m["type"] for _, m in outcomes.values()]
    problems = audit()
    return {
        "scenario": f"a limited offer of {args.stock} pieces, {len(buyers)} buyers clicking at once",
        "stock": args.stock,
        "buyers": len(buyers),
        "sold": Purchase.objects.filter(offer=offer, status="completed").count(),
        "refused": Purchase.objects.filter(offer=offer, status="refused", reason="sold_out").count(),
        "sending_ms": round(sending * 1000, 1),
        "outcomes_received": len(lat),
        "completed_notices": kinds.count("purchase.completed"),
        "p50_ms": quantile(lat, 0.50),
        "p99_ms": quantile(lat, 0.99),
        "audit_clean": not problems,
        "audit_problems": problems[:10],
    }


def apply(args) -> dict:
    from confluent_kafka import Producer
    from django.conf import settings

    from economy.events import PurchaseRequested
    from habbo.bus.topics import PURCHASES

    per_buyer = 100
    buyers = players(f"ea{uuid.uuid4().hex[:6]}b", args.count // per_buyer)
    fund(buyers, per_buyer)
    offer = make_offer(price=1)
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "enable.idempotence": True,
                         "linger.ms": 20, "queue.buffering.max.messages": 200000})
    produced = 0
    for _ in range(per_buyer):
        for buyer in buyers:
            event = PurchaseRequested(purchase=uuid.uuid4(), buyer_id=buyer.pk, offer_id=offer.pk, quantity=1, unit_price=1)
            envelope = event.envelope(actor=buyer.pk)
            producer.produce(PURCHASES.full_name, key=envelope.key, value=envelope.model_dump_json())
            produced += 1
            if produced % 10000 == 0:
                producer.poll(0)
    assert producer.flush(120) == 0
    elapsed = time_backlog("economy", PURCHASES.full_name, produced)
    from economy.models import Purchase

    return {
        "scenario": f"one economy consumer applying a backlog of {produced} purchase.requested events",
        "count": produced,
        "completed": Purchase.objects.filter(offer=offer, status="completed").count(),
        "seconds": round(elapsed, 1),
        "events_per_s": round(produced / elapsed, 1),
        "note": "includes the consumer's start-up (Django, joining the group), the pushes and the item.purchased facts",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="e2e,apply,ltd", help="which of e2e, apply, ltd to run")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--buyers", type=int, default=100, help="e2e: buyers with a hotel socket open")
    parser.add_argument("--count", type=int, default=100000, help="apply: the backlog")
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--ltd-buyers", type=int, default=1000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = {}
    for part in args.parts.split(","):
        # Fresh topics and groups for every part: a backlog is exactly its own.
        setup(f"bench-{uuid.uuid4().hex[:8]}.")
        try:
            result[part] = {"e2e": e2e, "apply": apply, "ltd": ltd}[part](args)
        finally:
            drop_topics()
        print(json.dumps({part: result[part]}, indent=2), flush=True)
    result["machine"] = f"{os.cpu_count()} cores"
    result["command"] = "bench/run economy " + " ".join(sys.argv[1:])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
