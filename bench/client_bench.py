"""The room as a player's browser draws it (issue 11, section 6), measured in
Debian's headless Chromium with software rendering (conftest.CHROMIUM_ARGS).

It starts its own web process (`python -m habbo.web`, as the Procfile does)
against the project's PostgreSQL (a database of its own, made afresh each
run), Redis (a database index of its own, so clearing the live state never
touches the tests') and Kafka (topics `bench.*`). One room of 20×20 tiles
holds 100 pieces of furniture, placed by the project's own placement rules;
WALKERS other players (real WebSocket clients, in a child process) walk in it
without stopping. The browser is one more player, logged in through /login/.

- room_drawn_ms: from the navigation to the room's URL (performance.timeOrigin)
  to the first animation frame after the one in which the room was drawn
  with its snapshot; a fresh browser context (empty HTTP cache) each load.
- fps: frames the room drew per second over FPS_SECONDS, with every piece
  and avatar in view (checked), and the walkers walking (sampled).
- click_to_motion_ms: from the click on a tile (a capture listener's
  performance.now()) to the end of the room's first animation frame that
  draws the player's avatar walking (window.hotelRoom.avatar(name).walking).

Run it through bench/run (which starts the services):
    bench/run client --out bench/results/client.json
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")

SIZE = 20  # tiles a side
DOOR = (0, 8)
VIEWER, PASSWORD = "bench-viewer", "bench-pass-word-123"
# The kinds placed, ten of each (all one tile, so the layout below holds them);
# seats, beds and rugs are walked over, the rest block the way.
KINDS = [
    ("chair", dict(height=100, colour="#b45309", can_sit=True)),
    ("sofa", dict(height=90, colour="#be123c", can_sit=True)),
    ("bed", dict(height=60, colour="#1d4ed8", can_lay=True)),
    ("rug", dict(height=1, colour="#7c3aed", can_walk_on=True)),
    ("table", dict(height=70, colour="#a16207")),
    ("plant", dict(height=120, colour="#15803d")),
    ("lamp", dict(height=160, colour="#facc15")),
    ("divider", dict(height=150, colour="#64748b")),
    ("block", dict(height=100, colour="#0f766e")),
    ("shelf", dict(height=200, colour="#78350f")),
]


def furniture_tiles() -> list[tuple[int, int]]:
    """25 groups of 2×2 pieces with lanes two tiles wide between them (one
    tile wide was too narrow: 50 walkers kept boxing each other in): 100 tiles."""
    return [(x, y) for y in range(SIZE) for x in range(SIZE) if x % 4 in (1, 2) and y % 4 in (1, 2)]


def lane_tiles() -> list[tuple[int, int]]:
    taken = set(furniture_tiles())
    return [(x, y) for y in range(SIZE) for x in range(SIZE) if (x, y) not in taken]


# -- the world: a fresh database with the room, its furniture and the players --


def fresh_database(url: str):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_world(walkers: int, pieces: int):
    """The room (with `pieces` placed) and the players: the viewer's login,
    the walkers' sessions."""
    from dataclasses import replace

    from habbo.models import User
    from habbo.palettes import CLOTHES, HAIR, HAIR_STYLES, SHOES, SKIN
    from rooms.models import Furni, Item, Room
    from rooms.placement import RoomFurniture, kind_of
    from rooms_load import session_key

    owner = User.objects.create(username="bench-owner")
    room = Room.objects.create(
        owner=owner, name="Client bench room", floor_plan="\n".join(["0" * SIZE] * SIZE),
        door_x=DOOR[0], door_y=DOOR[1], capacity=min(200, max(25, walkers + 10)),
    )
    items = [Item.objects.create(name=f"Bench {look}", look=look, **fields) for look, fields in KINDS]
    rng = random.Random(11)
    kinds = [items[n % len(items)] for n in range(pieces)]
    rng.shuffle(kinds)  # each kind about as often, mixed over the room
    rules = RoomFurniture(owner.pk, set(), {})
    for n, ((x, y), item) in enumerate(zip(furniture_tiles(), kinds), start=1):
        kind = kind_of(item)
        rotation = rng.choice(kind.rotations)
        # The rules the furniture consumer applies: a layout they refuse fails here.
        piece = rules.check_place(room.plan, actor=owner.pk, owner=owner.pk, kind=kind, x=x, y=y, rotation=rotation)
        rules.pieces[n] = replace(piece, id=n)
        Furni.objects.create(item=item, owner=owner, room=room, x=x, y=y, z=piece.z, rotation=rotation)
    User.objects.create_user(VIEWER, password=PASSWORD)
    sessions = []
    for i in range(walkers):
        looks = dict(figure_hair_style=rng.choice(list(HAIR_STYLES)), figure_hair=rng.choice(HAIR),
                     figure_skin=rng.choice(SKIN), figure_shirt=rng.choice(CLOTHES), figure_legs=rng.choice(CLOTHES),
                     figure_shoes=rng.choice(SHOES))  # a crowd, not fifty twins
        sessions.append(session_key(User.objects.create(username=f"walker{i:02d}", **looks)))
    return room, sessions


# -- the walkers: real WebSocket clients that keep walking (a child process) --


def run_walkers():
    """Reads {players: [{url, origin, session}], tiles, seed} on stdin; prints
    {"event": "walking"} once all are in, then walks until stdin closes and
    prints {"event": "done", ...}."""
    config = json.loads(sys.stdin.readline())
    asyncio.run(_walkers(config))


async def _walkers(config):
    from websockets.asyncio.client import connect

    tiles = [tuple(t) for t in config["tiles"]]
    stop = asyncio.Event()
    counts = {"walks": 0, "stuck": 0, "stuck_once_spread": 0, "errors": 0, "closed": 0}
    started = None  # when all were in
    entering = asyncio.Semaphore(8)
    entered = 0
    all_in = asyncio.Event()

    async def walker(i, player):
        nonlocal entered, started
        rng = random.Random(config["seed"] + i)
        async with entering:
            ws = await connect(player["url"], origin=player["origin"], open_timeout=60, max_size=None,
                               additional_headers={"Cookie": f"sessionid={player['session']}"})
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "snapshot":
                    break
        me = message["you"]
        here = tuple(next(a["path"][-1] for a in message["avatars"] if a["id"] == me))
        entered += 1
        if entered == len(config["players"]):
            started = time.monotonic()
            all_in.set()
        mine: asyncio.Queue = asyncio.Queue()

        async def read():
            async for raw in ws:
                if '"walk"' in raw[:24]:
                    message = json.loads(raw)
                    if message["user"] == me:
                        mine.put_nowait(message["path"])
                elif '"error"' in raw[:24]:
                    counts["errors"] += 1

        reader = asyncio.create_task(read())
        await all_in.wait()
        try:
            while not stop.is_set():
                target = rng.choice([t for t in tiles if max(abs(t[0] - here[0]), abs(t[1] - here[1])) >= 4])
                await ws.send(json.dumps({"type": "walk", "x": target[0], "y": target[1]}))
                try:
                    path = await asyncio.wait_for(mine.get(), 10)
                except TimeoutError:
                    continue
                counts["walks"] += 1
                here = tuple(path[-1])
                steps = len(path) - 1
                if not steps:
                    counts["stuck"] += 1  # boxed in by the others for now
                    counts["stuck_once_spread"] += time.monotonic() - started > config["spread_s"]
                    await asyncio.sleep(1)
                    continue
                # The next walk is sent before this one ends, so the avatar turns without stopping.
                await asyncio.sleep(max(0.3, steps * 0.5 - 0.7))
        except Exception:
            counts["closed"] += 1
        finally:
            reader.cancel()
            await ws.close()

    async def announce():
        await all_in.wait()
        print(json.dumps({"event": "walking", "players": len(config["players"])}), flush=True)

    async def until_stdin_closes():
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        stop.set()

    tasks = [asyncio.create_task(walker(i, p)) for i, p in enumerate(config["players"])]
    announcing = asyncio.create_task(announce())
    await until_stdin_closes()
    await asyncio.wait(tasks, timeout=10)
    announcing.cancel()
    print(json.dumps({"event": "done", **counts}), flush=True)


def start_walkers(port: int, room_id: str, sessions: list[str], spread_s: float) -> subprocess.Popen:
    config = {
        "spread_s": spread_s,
        "players": [{"url": f"ws://127.0.0.1:{port}/ws/rooms/{room_id}/", "origin": f"http://127.0.0.1:{port}", "session": s}
                    for s in sessions],
        "tiles": lane_tiles(),
        "seed": 11,
    }
    proc = subprocess.Popen([sys.executable, __file__, "walkers"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps(config) + "\n")
    proc.stdin.flush()
    line = {}
    deadline = threading.Timer(120, proc.kill)
    deadline.start()
    try:
        line = json.loads(proc.stdout.readline() or "{}")
    finally:
        deadline.cancel()
    if line.get("event") != "walking":
        proc.kill()
        raise SystemExit("the walkers did not all get into the room")
    return proc


def stop_walkers(proc: subprocess.Popen) -> dict:
    try:
        out, _ = proc.communicate(timeout=30)  # closes stdin: the walkers stop
    except subprocess.TimeoutExpired:
        proc.kill()
        return {}
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return next((line for line in lines if line.get("event") == "done"), {})


# -- in the page ------------------------------------------------------------------

# Added to every page before its own scripts: times the room socket's first
# frames and the player's own walks, the clicks on the canvas, and the first
# animation frame after the one that drew the room (everything in
# performance.now(): ms since the navigation started).
PROBE = """
(() => {
  const bench = window.__bench = { roomDrawnAt: null, socketOpenAt: null, snapshotAt: null, walkAt: null,
    walkSteps: null, clickAt: null, clickStamp: null, result: null };
  const me = () => Number(document.body && document.body.dataset.me);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/ws/rooms/")) return;
      this.addEventListener("open", () => { if (bench.socketOpenAt === null) bench.socketOpenAt = performance.now(); });
      this.addEventListener("message", (e) => {
        const now = performance.now();
        const head = e.data.slice(0, 24);
        if (bench.snapshotAt === null && head.includes('"snapshot"')) bench.snapshotAt = now;
        else if (head.includes('"walk"')) {
          const walk = JSON.parse(e.data);
          if (walk.user === me()) Object.assign(bench, { walkAt: now, walkSteps: walk.path.length - 1 });
        }
      });
    }
  };
  window.addEventListener("click", (e) => {
    if (e.target && e.target.id === "room-canvas") { bench.clickAt = performance.now(); bench.clickStamp = e.timeStamp; }
  }, true);
  // Once the snapshot is handled (ready), the room's next frame draws it; the
  // time taken is that of the first frame after that one (its picture is out).
  let readyAt = null; // the room's frame count when ready was first seen
  function watch() {
    const room = window.hotelRoom;
    if (readyAt !== null && room.frames() > readyAt) { bench.roomDrawnAt = performance.now(); return; }
    if (readyAt === null && room && room.ready()) readyAt = room.frames();
    requestAnimationFrame(watch);
  }
  requestAnimationFrame(watch);
})();
"""

LOAD_TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const b = window.__bench;
  return { drawn: b.roomDrawnAt, response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
           load_event: nav.loadEventEnd, socket_open: b.socketOpenAt, snapshot: b.snapshotAt };
}"""

# Whether every piece and avatar is on the canvas and in the window.
IN_VIEW = """([names, size]) => {
  const room = window.hotelRoom;
  const r = document.getElementById("room-canvas").getBoundingClientRect();
  const inside = (p) => p && p.x >= Math.max(0, r.left) && p.x <= Math.min(innerWidth, r.right)
    && p.y >= Math.max(0, r.top) && p.y <= Math.min(innerHeight, r.bottom);
  const pieces = room.furniture();
  return { furniture: pieces.length, furniture_in_view: pieces.filter((f) => inside(room.pieceCentre(f.id))).length,
           avatars: names.length, avatars_in_view: names.filter((n) => inside(room.avatarCentre(n))).length,
           floor_corners_in_view: [[0, 0], [size - 1, 0], [0, size - 1], [size - 1, size - 1]]
             .filter(([x, y]) => inside(room.tileCentre(x, y))).length,
           canvas: { width: Math.round(r.width), height: Math.round(r.height) } };
}"""

# Counts animation frames for `ms` from a loop started after the room's own
# (so it runs after the room's drawing in each frame), the room's frames
# over the same span, how long the frame's callbacks took, and how many walkers walk.
FPS = """async ([ms, names]) => {
  const room = window.hotelRoom;
  const times = [], script = [], walking = [];
  let first = null, last = null;
  await new Promise((done) => {
    function tick(t) {
      const now = performance.now();
      if (first === null) first = room.frames();
      times.push(now);
      script.push(now - t);
      if (times.length % 30 === 1) walking.push(names.filter((n) => { const a = room.avatar(n); return a && a.walking; }).length);
      if (now - times[0] >= ms) { last = room.frames(); return done(); }
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  });
  const intervals = times.slice(1).map((t, i) => t - times[i]);
  return { elapsed_ms: times[times.length - 1] - times[0], raf_frames: times.length - 1, room_frames: last - first,
           intervals, script, walking };
}"""

# Arms a watch for the next click on the canvas: the first animation frame
# (after the room's drawing in it) that has `name` walking or moved.
WATCH = """(name) => {
  const bench = window.__bench;
  const start = window.hotelRoom.avatar(name);
  Object.assign(bench, { clickAt: null, clickStamp: null, walkAt: null, walkSteps: null, result: null });
  const loop = () => {
    if (bench.clickAt !== null) {
      const a = window.hotelRoom.avatar(name);
      const now = performance.now();
      if (a && (a.walking || a.x !== start.x || a.y !== start.y)) {
        bench.result = { ms: now - bench.clickAt, from_event_ms: now - bench.clickStamp,
                         walk_message_ms: bench.walkAt === null ? null : bench.walkAt - bench.clickAt };
        return;
      }
      const card = document.getElementById("avatar-card");
      const missed = card && !card.hidden ? "on_avatar" : bench.walkSteps === 0 ? "boxed_in"
        : now - bench.clickAt > 5000 ? "no_motion_in_5_s" : null;
      if (missed) { bench.result = { missed }; return; }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}"""


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(values), "median": round(statistics.median(values), 1), "p90": at(0.9), "p99": at(0.99),
            "max": round(ordered[-1], 1), "min": round(ordered[0], 1)}


def load_room(page, url) -> dict:
    page.goto(url)
    page.wait_for_function("window.__bench.roomDrawnAt !== null", timeout=30000)
    return {k: (round(v, 1) if v is not None else None) for k, v in page.evaluate(LOAD_TIMES).items()}


def measure_cold_loads(browser, state, viewport, url, loads):
    """Each load in a fresh context: logged in, nothing cached."""
    samples = []
    for _ in range(loads):
        context = browser.new_context(storage_state=state, viewport=viewport)
        context.add_init_script(PROBE)
        samples.append(load_room(context.new_page(), url))
        context.close()
    return samples


def measure_clicks(page, clicks, rng):
    tiles = lane_tiles()
    samples, missed = [], {"on_avatar": 0, "boxed_in": 0, "no_motion_in_5_s": 0}
    while len(samples) < clicks and sum(missed.values()) < 2 * clicks:
        page.wait_for_function(f"(a => a && !a.walking)(window.hotelRoom.avatar('{VIEWER}'))", timeout=30000)
        me = page.evaluate(f"window.hotelRoom.avatar('{VIEWER}')")
        near = [t for t in tiles if 2 <= max(abs(t[0] - me["x"]), abs(t[1] - me["y"])) <= 4]
        x, y = rng.choice(near)
        page.evaluate(WATCH, VIEWER)
        page.wait_for_timeout(rng.uniform(100, 300))  # any phase of the frame
        at = page.evaluate(f"window.hotelRoom.tileCentre({x}, {y})")
        page.mouse.click(at["x"], at["y"])
        page.wait_for_function("window.__bench.result !== null", timeout=10000)
        result = page.evaluate("window.__bench.result")
        if result.get("missed"):
            # Not a walk: the click hit an avatar passing by (its card opened), or the
            # walkers stood all round (the server's path had no step).
            missed[result["missed"]] += 1
            page.keyboard.press("Escape")
            continue
        samples.append({k: (round(v, 1) if v is not None else None) for k, v in result.items()} | {"tile": [x, y]})
    return samples, missed


def cpu_of(groups: dict) -> dict:
    """CPU % (100 = one core) of each group of processes since the last call."""
    out = {}
    for name, procs in groups.items():
        total = 0.0
        for proc in procs:
            try:
                total += proc.cpu_percent(None)
            except psutil.NoSuchProcess:
                pass
        out[name] = round(total, 1)
    out["machine"] = round(psutil.cpu_percent(None) * psutil.cpu_count(), 1)
    return out


def browser_figures(args, base_url, room_url, walker_names, processes, walking_since):
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS

    width, height = (int(v) for v in args.viewport.split("x"))
    viewport = {"width": width, "height": height}
    rng = random.Random(11)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        login = browser.new_context(viewport=viewport)
        page = login.new_page()
        page.goto(f"{base_url}/login/")
        page.fill("#id_username", VIEWER)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        state = login.storage_state()
        login.close()

        loads = measure_cold_loads(browser, state, viewport, room_url, args.loads)

        context = browser.new_context(storage_state=state, viewport=viewport)
        context.add_init_script(PROBE)
        page = context.new_page()
        # The same page loaded again: the browser's cache holds the scripts (a player coming back).
        warm_loads = [load_room(page, room_url) for _ in range(args.loads + 1)][1:]
        page.wait_for_function(f"window.hotelRoom.avatar('{VIEWER}') && !window.hotelRoom.avatar('{VIEWER}').walking")
        page.wait_for_timeout(2000)  # settled in: nothing of the entry left to load
        # The walkers entered together at the door: measure once they have spread over the room.
        page.wait_for_timeout(max(0.0, args.spread_seconds - (time.monotonic() - walking_since)) * 1000)
        view = page.evaluate(IN_VIEW, [walker_names, SIZE])
        groups = processes | {"chromium": [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name()]}
        cpu_of(groups)
        load_before = os.getloadavg()
        fps = page.evaluate(FPS, [args.fps_seconds * 1000, walker_names])
        load_after = os.getloadavg()
        cpu = cpu_of(groups)
        if args.screenshot:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.screenshot)
        clicks, missed = measure_clicks(page, args.clicks, rng)
        version = browser.version
        context.close()
        browser.close()
    return dict(loads=loads, warm_loads=warm_loads, view=view, fps=fps, clicks=clicks, missed=missed, version=version,
                viewport=viewport, loadavg=[load_before, load_after], cpu=cpu)


def main():
    if sys.argv[1:2] == ["walkers"]:
        return run_walkers()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--walkers", type=int, default=50, help="other players walking in the room")
    parser.add_argument("--furniture", type=int, default=100, help="pieces placed (at most 100)")
    parser.add_argument("--fps-seconds", type=float, default=10.0)
    parser.add_argument("--spread-seconds", type=float, default=20.0, help="walking before the FPS is measured")
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--loads", type=int, default=7, help="room loads timed")
    parser.add_argument("--viewport", default="1600x900", help="the window, WIDTHxHEIGHT: the whole room fits in it")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "test-artifacts" / "client-bench.png")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not 0 < args.furniture <= len(furniture_tiles()):
        parser.error(f"--furniture: 1 to {len(furniture_tiles())}")

    database_url = os.environ.get("CLIENT_BENCH_DATABASE_URL", "postgres://habbo:habbo@127.0.0.1:5442/habbo_client_bench")
    # A Redis database of its own: the live state is cleared without touching the tests'.
    os.environ["REDIS_URL"] = os.environ.get("CLIENT_BENCH_REDIS_URL", "redis://127.0.0.1:6390/2")
    fresh_database(database_url)
    from rooms_load import clear_live_state, setup_django, start_servers

    setup_django(database_url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=false serves the collected files
    clear_live_state()
    room, sessions = make_world(args.walkers, args.furniture)
    walker_names = [f"walker{i:02d}" for i in range(args.walkers)]
    from django.db import connections

    connections.close_all()
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    [(port, server)] = start_servers(1, env)
    base_url = f"http://127.0.0.1:{port}"
    walkers = None
    try:
        walkers = start_walkers(port, str(room.pk), sessions, args.spread_seconds)
        processes = {"web_process": [psutil.Process(server.pid)], "walkers": [psutil.Process(walkers.pid)]}
        figures = browser_figures(args, base_url, f"{base_url}{room.get_absolute_url()}", walker_names, processes,
                                  walking_since=time.monotonic())
    finally:
        try:
            walking = stop_walkers(walkers) if walkers else {}
        finally:
            server.terminate()
            server.wait(30)
            clear_live_state()

    fps, view = figures["fps"], figures["view"]
    seconds = fps["elapsed_ms"] / 1000
    drawn = [s["drawn"] for s in figures["loads"]]
    motion = [s["ms"] for s in figures["clicks"]]
    result = {
        "fps": round(fps["room_frames"] / seconds, 1),
        "click_to_motion_ms": round(statistics.median(motion), 1),
        "room_drawn_ms": round(statistics.median(drawn), 1),
        "command": "bench/run client " + " ".join(sys.argv[1:]),
        "targets": {
            "fps": {"at_least": 55, "met": fps["room_frames"] / seconds >= 55},
            "click_to_motion_ms": {"median_at_most": 50, "met": statistics.median(motion) <= 50},
            "room_drawn_ms": {"median_at_most": 1000, "met": statistics.median(drawn) <= 1000},
        },
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "chromium": figures["version"],
        "chromium_args": __import__("conftest").CHROMIUM_ARGS,
        "viewport": figures["viewport"],
        "room": {"tiles": f"{SIZE}x{SIZE}", "furniture": view["furniture"], "furniture_in_view": view["furniture_in_view"],
                 "avatars": args.walkers + 1, "walkers": args.walkers, "walkers_in_view": view["avatars_in_view"],
                 "floor_corners_in_view": view["floor_corners_in_view"],
                 "canvas_css_px": view["canvas"]},
        "fps_detail": {
            "seconds": round(seconds, 2),
            "room_frames": fps["room_frames"],
            "animation_frames": fps["raf_frames"],
            "frame_interval_ms": percentiles(fps["intervals"]),
            "frames_over_20_ms": sum(1 for i in fps["intervals"] if i > 20),
            # From the frame's start to the end of the room's drawing (its rAF callback runs first).
            "script_per_frame_ms": percentiles(fps["script"]),
            "walkers_walking_sampled": {"min": min(fps["walking"]), "mean": round(statistics.mean(fps["walking"]), 1)},
            "loadavg_before_after": [round(v, 2) for v in figures["loadavg"][0][:1] + figures["loadavg"][1][:1]],
            # Over the window; 100 = one core. "machine" includes everything else running on it.
            "cpu_pct": figures["cpu"],
        },
        "click_to_motion_detail": {
            **percentiles(motion),
            "from_event_timestamp": percentiles([s["from_event_ms"] for s in figures["clicks"]]),
            "walk_message_after_click": percentiles([s["walk_message_ms"] for s in figures["clicks"] if s["walk_message_ms"] is not None]),
            "not_counted": figures["missed"],
            "samples": figures["clicks"],
        },
        "room_drawn_detail": {
            **percentiles(drawn),
            "cache": "cold: a fresh browser context for each load (logged in, nothing cached)",
            "samples": figures["loads"],
            "warm": {**percentiles([s["drawn"] for s in figures["warm_loads"]]),
                     "cache": "warm: the same page loaded again after a first load", "samples": figures["warm_loads"]},
        },
        "walkers": walking,
        "machine": f"{os.cpu_count()} cores; web process, walkers, Chromium, Redis, Kafka and PostgreSQL share them",
    }
    print(json.dumps({k: result[k] for k in ("fps", "click_to_motion_ms", "room_drawn_ms", "command", "targets")}, indent=2))
    if (view["furniture_in_view"] < view["furniture"] or view["avatars_in_view"] < view["avatars"]
            or view["floor_corners_in_view"] < 4):
        print(f"warning: not everything was in view ({view})", file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
