"""Several web processes behind HAProxy: deploy/haproxy.cfg (rendered by
scripts/haproxy-config for this test's ports) in front of web processes run as
Procfile.cluster runs them, real WebSocket clients going through the balancer.

A web process killed (or hung) under load: its players' sockets close, they
reconnect through the balancer and find their rooms as they were; the players
on the other processes notice nothing. HAProxy takes the process out from its
health checks on /readyz, sends it nothing while it is out, and uses it again
once it is back."""

import asyncio
import csv
import http.client
import json
import math
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from conftest import ROOT, free_port, session_cookie, wait_for
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

WEB_PROCESSES = 3
ROOMS = 4
PLAYERS_PER_ROOM = 9
FLOOR = 8  # rooms of 8 × 8 tiles
# The browser client's reconnect: after 0.5 s, doubling up to 15 s (static/js/room/room.js).
RECONNECT_FIRST_S, RECONNECT_MAX_S = 0.5, 15


def accepting(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def procfile_web(port: int) -> tuple[list[str], dict[str, str]]:
    """Procfile.cluster's web command on this port: its arguments after the
    interpreter, and the variables it sets."""
    line = next(line for line in (ROOT / "Procfile.cluster").read_text().splitlines() if line.startswith("web:"))
    words = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    assignments = list(takewhile(lambda word: re.fullmatch(r"[A-Z_]+=.*", word), words))
    interpreter, *args = words[len(assignments):]
    assert interpreter == ".venv/bin/python"
    return args, dict(assignment.split("=", 1) for assignment in assignments)


def start_web(processes, port: int, **extra: str) -> subprocess.Popen:
    """A web process as Procfile.cluster runs it, with `extra` settings."""
    args, env = procfile_web(port)
    proc = processes.start(args, f"web-{port}", **env, **extra)
    wait_for(lambda: accepting(port), timeout=30, what=f"the web process on port {port}")
    return proc


@dataclass
class Balancer:
    port: int
    admin: Path  # HAProxy's runtime API
    web_ports: list[int]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def servers(self) -> dict[str, dict[str, str]]:
        """`show stat` of the web backend: server name → its status, sessions open (scur), in all (stot) ..."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.admin))
            sock.sendall(b"show stat\n")
            data = b"".join(iter(lambda: sock.recv(65536), b""))
        rows = csv.DictReader(data.decode().removeprefix("# ").splitlines())
        return {row["svname"]: row for row in rows if row["pxname"] == "web" and row["svname"] != "BACKEND"}

    def status(self, server: str) -> str:
        return self.servers()[server]["status"]

    def server(self, web_port: int) -> str:
        """The name scripts/haproxy-config gave the web process on this port."""
        return f"web{self.web_ports.index(web_port) + 1}"


@pytest.fixture
def balancer():
    """Start HAProxy with the project's config in front of these web ports."""
    if shutil.which("haproxy") is None:
        pytest.fail("haproxy is not installed (scripts/bootstrap --dev installs it)")
    started = []

    def start(web_ports: list[int]) -> Balancer:
        work = Path(tempfile.mkdtemp(prefix="hotel-lb-"))  # short: a socket's path has at most 107 bytes
        lb = Balancer(free_port(), work / "admin.sock", web_ports)
        config = subprocess.run(
            [ROOT / "scripts" / "haproxy-config", str(lb.port), str(lb.admin), *map(str, web_ports)],
            check=True, capture_output=True, text=True,
        ).stdout
        (work / "haproxy.cfg").write_text(config)
        logs = ROOT / "var" / "test-logs"  # its servers going down and up
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"haproxy-{lb.port}.log", "w") as log:
            proc = subprocess.Popen(["haproxy", "-db", "-f", str(work / "haproxy.cfg")], stdout=log,
                                    stderr=subprocess.STDOUT)
        started.append((proc, work))
        wait_for(lambda: accepting(lb.port), timeout=15, what="HAProxy")
        return lb

    yield start
    for proc, work in started:
        proc.terminate()
        proc.wait(15)
        shutil.rmtree(work)


@dataclass(eq=False)
class Player:
    """A player's client as the browser's: one room socket, every frame read,
    a tile clicked now and then, and after any close a reconnect."""

    id: int
    cookie: str
    room: Room
    lb: Balancer
    socket: ClientConnection | None = None
    view: set[int] = field(default_factory=set)  # the avatars this player's screen shows
    lost: list[float] = field(default_factory=list)  # when its socket closed
    reconnects: list[float] = field(default_factory=list)  # seconds from a close to the next snapshot
    comings_and_goings: list[dict] = field(default_factory=list)  # user_entered and user_left frames
    walked: set[int] = field(default_factory=set)  # who it saw walk since this was last cleared

    async def play(self):
        delay, lost_at = RECONNECT_FIRST_S, None
        while True:
            try:
                # Browsers never ping: only the server and the balancer notice a dead socket.
                async with connect(
                    f"ws://127.0.0.1:{self.lb.port}/ws/rooms/{self.room.pk}/", origin=self.lb.url,
                    additional_headers={"Cookie": f"sessionid={self.cookie}"}, open_timeout=15, ping_interval=None,
                ) as ws:
                    snapshot = json.loads(await ws.recv())
                    if snapshot["type"] != "snapshot":
                        raise AssertionError(f"player {self.id} got {snapshot} instead of the room's snapshot")
                    self.view = {avatar["id"] for avatar in snapshot["avatars"]}
                    if lost_at is not None:
                        self.reconnects.append(time.monotonic() - lost_at)
                    self.socket, delay, lost_at = ws, RECONNECT_FIRST_S, None
                    async for raw in ws:
                        self.on(json.loads(raw))
            except (OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                pass
            if self.socket is not None:
                self.socket, lost_at = None, time.monotonic()
                self.lost.append(lost_at)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_S)

    def on(self, frame: dict):
        if frame["type"] == "user_entered":
            self.view.add(frame["user"]["id"])
            self.comings_and_goings.append(frame)
        elif frame["type"] == "user_left":
            self.view.discard(frame["user"])
            self.comings_and_goings.append(frame)
        elif frame["type"] == "walk":
            self.walked.add(frame["user"])

    async def walk_around(self):
        while True:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            if self.socket is not None:
                try:
                    await self.socket.send(json.dumps({"type": "walk", "x": random.randrange(FLOOR),
                                                       "y": random.randrange(FLOOR)}))
                except ConnectionClosed:
                    pass


class Crowd:
    """The players in the hotel, each with its client running."""

    def __init__(self):
        self.players: list[Player] = []
        self.tasks: list[asyncio.Task] = []

    async def enter(self, players: list[Player]):
        """One by one, each in its room (snapshot received) before the next."""
        for player in players:
            self.players.append(player)
            self.tasks += [asyncio.create_task(player.play()), asyncio.create_task(player.walk_around())]
            await self.until(lambda: player.socket is not None, f"player {player.id} in the room")

    async def until(self, predicate, what: str, timeout: float = 60, interval: float = 0.05):
        """Wait for predicate(); a client that failed fails the test at once."""
        deadline = time.monotonic() + timeout
        while not predicate():
            for task in self.tasks:
                if task.done():
                    task.result()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(interval)

    def room_of(self, player: Player) -> set[int]:
        return {other.id for other in self.players if other.room == player.room}

    def all_see_their_rooms(self) -> bool:
        return all(p.socket is not None and p.view == self.room_of(p) for p in self.players)

    def forget(self):
        for player in self.players:
            player.comings_and_goings.clear()
            player.walked.clear()

    async def leave(self):
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@pytest.fixture
def hotel(processes, balancer, make_player):
    """WEB_PROCESSES web processes (port → process) behind a balancer, ROOMS
    rooms, and a maker of players spread over the rooms."""
    ports = [free_port() for _ in range(WEB_PROCESSES)]
    web = {port: start_web(processes, port) for port in ports}
    lb = balancer(ports)
    owner = make_player("owner")
    plan = "\n".join(["0" * FLOOR] * FLOOR)
    rooms = [Room.objects.create(owner=owner, name=f"Room {i}", floor_plan=plan, door_x=0, door_y=0)
             for i in range(ROOMS)]

    def players(count: int) -> list[Player]:
        made = [make_player() for _ in range(count)]
        return [Player(user.pk, session_cookie(user), rooms[i % ROOMS], lb) for i, user in enumerate(made)]

    return web, lb, players


def all_up(lb: Balancer) -> bool:
    """Every web process up in HAProxy, after a passed health check (GET /readyz)."""
    return all(row["status"] == "UP" and row["check_status"] == "L7OK" for row in lb.servers().values())


async def everyone_in(crowd: Crowd, lb: Balancer, players: list[Player]) -> dict[str, dict[str, str]]:
    """Players in, each seeing everyone in their room; HAProxy's view of the sessions."""
    await crowd.until(lambda: all_up(lb), "every web process up in HAProxy", interval=0.2)
    await crowd.enter(players)
    await crowd.until(crowd.all_see_their_rooms, "everyone seeing everyone in their room")
    servers = lb.servers()
    assert sum(int(row["scur"]) for row in servers.values()) == len(crowd.players), servers
    crowd.forget()
    return servers


async def back_unnoticed(crowd: Crowd, lost: list[Player]):
    """The lost players are back where they stood: their snapshot shows their
    room, the others see them walk again and saw nobody leave or enter."""
    await crowd.until(lambda: all(p.reconnects for p in lost), "the lost players back in their rooms")
    await crowd.until(crowd.all_see_their_rooms, "everyone seeing everyone in their room again")
    for player in crowd.players:
        player.walked.clear()
    await crowd.until(lambda: all(lost_one.id in p.walked for lost_one in lost for p in crowd.players
                                  if p.room == lost_one.room), "the others seeing the lost players walk again")
    # Each came back well within ROOM_PRESENCE_TIMEOUT_S and took its avatar
    # over where it stood: no room showed anyone leaving or coming in.
    assert [frame for p in crowd.players for frame in p.comings_and_goings] == []


def report(capsys, what: str, lost: list[Player], since: float):
    """How long the lost players were out: from `since` (the kill) until their
    socket closed, and until they had their room's snapshot again."""
    closed = [p.lost[0] - since for p in lost]
    back = [p.lost[0] + p.reconnects[0] - since for p in lost]
    with capsys.disabled():
        print(f"\n{what}: its {len(lost)} players' sockets closed after max {max(closed):.2f} s; back in their rooms "
              f"through the balancer after max {max(back):.2f} s, p99 {percentile(back, 99):.2f} s, "
              f"median {percentile(back, 50):.2f} s (the client waits 0.5 s before reconnecting)")


def test_a_killed_web_process_players_come_back_and_nobody_else_notices(hotel, processes, capsys):
    web, lb, players = hotel
    crowd_players, latecomers, newcomers = players(ROOMS * PLAYERS_PER_ROOM), players(3), players(3)
    victim_port = list(web)[1]

    async def scenario():
        crowd = Crowd()
        try:
            before = await everyone_in(crowd, lb, crowd_players)
            victim = lb.server(victim_port)
            on_victim = int(before[victim]["scur"])
            assert on_victim > 0  # leastconn spread them

            killed_at = time.monotonic()
            web[victim_port].send_signal(signal.SIGKILL)
            await crowd.until(lambda: sum(len(p.lost) for p in crowd.players) >= on_victim, "its sockets closing")
            lost = [p for p in crowd.players if p.lost]
            assert len(lost) == on_victim
            await back_unnoticed(crowd, lost)

            # Its failed health checks take it out, and new players go elsewhere.
            await crowd.until(lambda: lb.status(victim) == "DOWN", "HAProxy marking it down", interval=0.2)
            down = lb.servers()[victim]
            await crowd.enter(latecomers)
            assert lb.servers()[victim]["stot"] == down["stot"], "a connection was sent to the dead process"

            # Back on its port: up again, and (the fewest sockets) the next players' process.
            web[victim_port] = start_web(processes, victim_port)
            await crowd.until(lambda: lb.status(victim) == "UP", "HAProxy marking it up again", interval=0.2)
            await crowd.enter(newcomers)
            assert int(lb.servers()[victim]["scur"]) == len(newcomers)
            await crowd.until(crowd.all_see_their_rooms, "everyone seeing the newcomers")
            assert [p.id for p in crowd.players if p.lost and p not in lost] == [], "others lost their sockets"
            report(capsys, "web process killed (SIGKILL)", lost, killed_at)
        finally:
            await crowd.leave()

    asyncio.run(scenario())


def test_a_hung_web_process_is_taken_out_and_its_players_move(hotel, capsys):
    """A process that stops answering (SIGSTOP: its sockets stay open, nothing
    comes through) fails its health checks; marked down, its sockets are shut
    at once (on-marked-down shutdown-sessions; browsers never ping) and its
    players move to the others. Woken up, it clears nobody."""
    web, lb, players = hotel
    crowd_players, newcomers = players(ROOMS * PLAYERS_PER_ROOM), players(3)
    victim_port = list(web)[0]

    async def scenario():
        crowd = Crowd()
        try:
            before = await everyone_in(crowd, lb, crowd_players)
            victim = lb.server(victim_port)
            on_victim = int(before[victim]["scur"])
            assert on_victim > 0

            hung_at = time.monotonic()
            web[victim_port].send_signal(signal.SIGSTOP)
            await crowd.until(lambda: lb.status(victim) == "DOWN", "HAProxy marking it down", interval=0.2)
            await crowd.until(lambda: sum(len(p.lost) for p in crowd.players) >= on_victim, "its sockets shut")
            lost = [p for p in crowd.players if p.lost]
            assert len(lost) == on_victim
            await back_unnoticed(crowd, lost)

            web[victim_port].send_signal(signal.SIGCONT)
            await crowd.until(lambda: lb.status(victim) == "UP", "HAProxy marking it up again", interval=0.2)
            await crowd.enter(newcomers)
            assert int(lb.servers()[victim]["scur"]) == len(newcomers)
            await crowd.until(crowd.all_see_their_rooms, "everyone seeing the newcomers")
            left = [frame for p in crowd.players for frame in p.comings_and_goings if frame["type"] == "user_left"]
            assert left == [], "the woken process cleared avatars it no longer owned"
            assert [p.id for p in crowd.players if p.lost and p not in lost] == [], "others lost their sockets"
            report(capsys, "web process hung (SIGSTOP)", lost, hung_at)
        finally:
            web[victim_port].send_signal(signal.SIGCONT)
            await crowd.leave()

    asyncio.run(scenario())


def failed_login(lb: Balancer, source: str, headers: dict[str, str]) -> int:
    """A wrong password posted through the balancer from this loopback address."""
    conn = http.client.HTTPConnection("127.0.0.1", lb.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", "/login/")
        response = conn.getresponse()
        page = response.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie"))[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong-password"
        conn.request("POST", "/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}", **headers,
        })
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_the_web_processes_see_the_clients_own_address(processes, balancer):
    """The balancer tells the web processes (PROXY_HEADERS=true in
    Procfile.cluster) who the client is, whatever the client claims: the
    login limits count each player's own address, not the balancer's."""
    port = free_port()
    start_web(processes, port)
    lb = balancer([port])
    wait_for(lambda: all_up(lb), what="the web process up in HAProxy")
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    # Believed, the forged https would refuse the form (CSRF: an https POST without a Referer).
    assert failed_login(lb, "127.0.0.2", forged) == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.2"]
