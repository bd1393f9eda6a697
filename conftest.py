"""Fixtures for tests against the real services scripts/test starts:
PostgreSQL (the test database), Redis (channel layer) and Apache Kafka.
Tests marked `durable` also run on SQLite (DATABASE_URL=sqlite:///…), the
database of `make run`.

Each Kafka test gets topics of its own (a fresh KAFKA_TOPIC_PREFIX), so tests
never see each other's events or consumer-group offsets.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from websockets.asyncio.client import connect as ws_connect
from asgiref.sync import sync_to_async
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from habbo.bus.producer import EventBusUnavailable, get_producer
from habbo.redis import redis

ROOT = Path(__file__).resolve().parent
SUBPROCESS_APP_NAME = "hotel-test-subprocess"


def room_created(owner_id: int, **overrides):
    """A valid room.created event for tests; fields can be overridden."""
    from rooms.events import RoomCreated

    fields = dict(
        room_id=uuid.uuid4(), owner_id=owner_id, name="Event room", capacity=25, floor_plan="0000\n0000",
        door_x=0, door_y=0, is_public=True,
    )
    return RoomCreated(**(fields | overrides))


def wait_for(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.05, what: str = "condition"):
    """Poll until predicate() is truthy; return its value or fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@contextmanager
def kafka_stopped():
    """Stop the project's own broker for the block, then start it again."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("Kafka is external here; tests only stop the project's own broker")
    services = [str(ROOT / "scripts" / "services")]
    subprocess.run(services + ["down", "kafka"], check=True)
    try:
        yield
    finally:
        subprocess.run(services + ["up", "kafka"], check=True, stdout=subprocess.DEVNULL)


def retry_until_published(publish: Callable[[], object], timeout: float = 60):
    """Call publish() until Kafka takes it (after a broker restart)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return publish()
        except EventBusUnavailable:
            if time.monotonic() > deadline:
                raise


def pytest_collection_modifyitems(items):
    # Tests that stop the broker go last, so an unlucky restart delays nobody.
    items.sort(key=lambda item: item.get_closest_marker("kafka_outage") is not None)


@pytest.fixture
def kafka(settings) -> Iterator["KafkaHelper"]:
    settings.KAFKA_TOPIC_PREFIX = f"test-{uuid.uuid4().hex[:10]}."
    call_command("kafka_topics", verbosity=0)
    yield KafkaHelper(settings.KAFKA_TOPIC_PREFIX)
    # An entry's event is published without anyone waiting for it
    # (habbo.bus.outbox.publish_soon): let it reach its topic before the topic goes.
    get_producer().flush(10)
    # Keep the broker small: hundreds of leftover partitions slow its restarts.
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    names = [n for n in admin.list_topics(timeout=10).topics if n.startswith(settings.KAFKA_TOPIC_PREFIX)]
    if names:
        for future in admin.delete_topics(names, operation_timeout=30).values():
            future.result()


NO_LEADER_YET = {KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.LEADER_NOT_AVAILABLE, KafkaError.UNKNOWN_TOPIC_OR_PART}


class KafkaHelper:
    def __init__(self, prefix: str):
        self.prefix = prefix

    def read(self, topic: str, count: int, timeout: float = 20) -> list:
        """Read `count` messages from the start of every partition of `topic`."""
        consumer = Consumer(
            {
                "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                "group.id": f"test-reader-{uuid.uuid4().hex}",
                "enable.auto.commit": False,
            }
        )
        try:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
            messages, deadline = [], time.monotonic() + timeout
            while len(messages) < count and time.monotonic() < deadline:
                msg = consumer.poll(0.2)
                if msg is not None and not msg.error():
                    messages.append(msg)
            return messages
        finally:
            consumer.close()

    def end_offsets(self, topic: str, timeout: float = 30) -> int:
        """How many messages the topic holds, over all partitions."""
        consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": "test-offsets"})
        deadline = time.monotonic() + timeout
        try:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            while True:
                try:
                    return sum(
                        consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions
                    )
                except KafkaException as exc:
                    # A topic just created on a fresh broker may not have its leaders yet.
                    if exc.args[0].code() not in NO_LEADER_YET or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            consumer.close()

    def committed(self, group: str, topic: str) -> int:
        """The sum of a consumer group's committed offsets on `topic`."""
        consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": self.prefix + group})
        try:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            offsets = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
            return sum(max(tp.offset, 0) for tp in offsets)
        finally:
            consumer.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Django tests SQLite in memory, which subprocesses cannot open: use a file
    # beside the configured one (test_<name>, as Django names a server's test DB).
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / f"test_{Path(db['NAME']).name}")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        f"?application_name={SUBPROCESS_APP_NAME}"
    )


class Processes:
    """Real subprocesses of the project (consumers, daphne) on the test DB and
    this test's topics; each logs to var/test-logs/."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.started: list[subprocess.Popen] = []
        self.logs = ROOT / "var" / "test-logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, args: list[str], name: str, **env_extra: str) -> subprocess.Popen:
        env = os.environ | {"DATABASE_URL": _database_url(), "KAFKA_TOPIC_PREFIX": self.prefix}
        log = open(self.logs / f"{self.prefix}{name}-{len(self.started)}.log", "w")
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env | env_extra, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log.name
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.started:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # PostgreSQL ends a gone client's session a moment later; the test DB
        # can only be flushed and dropped once it has.
        wait_for(_no_other_sessions, timeout=15, what="the subprocesses' DB sessions to end")


@pytest.fixture
def processes(kafka, transactional_db) -> Iterator[Processes]:
    group = Processes(kafka.prefix)
    yield group
    group.stop_all()


@pytest.fixture
def consumer_process(processes) -> Callable[..., subprocess.Popen]:
    """Start `manage.py kafka_consume NAME [args]` as a real subprocess."""
    return lambda name, *args: processes.start(["manage.py", "kafka_consume", name, *args], name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port: int, proc: subprocess.Popen):
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.proc = proc


@pytest.fixture
def daphne_server(processes) -> Callable[..., Server]:
    """Start a real daphne process. Pings every second (2 s timeout) and short
    room heartbeats, so silent drops and dead processes show within seconds."""

    def start(**env_extra: str) -> Server:
        port = free_port()
        args = ["-m", "habbo.web", str(port), "--ping-interval", "1", "--ping-timeout", "2"]
        # No login bonus unless a test asks: the first page load would grant it
        # (or not, if Redis already marked the day), so balances would vary.
        env = {
            "DEBUG": "true", "ROOM_HEARTBEAT_S": "0.5", "ROOM_PRESENCE_TIMEOUT_S": "2", "DAILY_BONUS_CREDITS": "0",
        } | env_extra
        proc = processes.start(args, f"daphne-{port}", **env)

        def accepting():
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        wait_for(accepting, timeout=30, what=f"daphne on port {port}")
        return Server(port, proc)

    return start


STAY_IN_ROOM = """
import asyncio, sys
from websockets.asyncio.client import connect

async def main(url, origin, cookie):
    async with connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}) as ws:
        await ws.recv()
        print("in the room", flush=True)
        await asyncio.Future()

asyncio.run(main(*sys.argv[1:]))
"""


def stay_in_room(server: Server, room, user) -> subprocess.Popen:
    """A player whose client is its own process: it enters the room and stays
    until the process is stopped or killed (a silent drop, with SIGSTOP)."""
    client = subprocess.Popen(
        [sys.executable, "-c", STAY_IN_ROOM, f"{server.ws_url}/ws/rooms/{room.pk}/", server.url, session_cookie(user)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert client.stdout.readline().strip() == "in the room"
    return client


def hotel_socket(server: Server, cookie: str):
    """A real WebSocket client on the hotel socket of a real daphne (`async with`)."""
    return ws_connect(
        f"{server.ws_url}/ws/hotel/", origin=server.url, additional_headers={"Cookie": f"sessionid={cookie}"},
        open_timeout=15,
    )


async def next_of(socket, type_: str, timeout: float = 10, where=lambda message: True) -> dict:
    """The next JSON message of this type on a real WebSocket client (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == type_ and where(message):
                return message


def admin_logged_in(user, password: str = "pass-word-123") -> Client:
    """A member of staff in through the admin's door: password, then a TOTP
    token from a device made for them here."""
    device = TOTPDevice.objects.create(user=user, name="authenticator")
    client = Client()
    otp = {"otp_device": device.persistent_id, "otp_token": f"{TOTP(device.bin_key).token():06d}"}
    assert client.post(reverse("admin:login"), {"username": user.username, "password": password} | otp).status_code == 302
    return client


@pytest.fixture
def fresh_word_list():
    """The word filter's list read afresh in this process, before and after
    (the test database is emptied without the signals that would tell it)."""
    from habbo import wordfilter

    wordfilter.forget()
    yield
    wordfilter.forget()


def room_socket(server: Server, room, cookie: str):
    """A real WebSocket client on a room of a real daphne (`async with`)."""
    return ws_connect(
        f"{server.ws_url}/ws/rooms/{room.pk}/",
        origin=server.url,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        open_timeout=15,
    )


def session_cookie(user) -> str:
    """A logged-in session for a real browser or WebSocket client."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _no_other_sessions() -> bool:
    if connection.vendor == "sqlite":
        return True  # a file, no server: a process that has exited holds nothing
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [SUBPROCESS_APP_NAME],
        )
        return cursor.fetchone()[0] == 0


ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


@contextmanager
def chromium():
    """Playwright runs an event loop in this thread: set up the DB before it starts."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(browser, server, username):
    page = browser.new_context(viewport={"width": 1200, "height": 850}).new_page()
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


@pytest.fixture
async def clean_redis():
    """For async tests: clear the live state (rooms, players, outbox) afterwards.
    On a Redis Cluster the scan covers every master and DEL goes slot by slot."""
    yield
    client = redis()
    keys = [k async for k in client.scan_iter("live:*")]
    if keys:
        await client.delete(*keys)


@pytest.fixture
async def thread_connections_closed():
    """For async tests: close the DB connection sync_to_async's thread opened."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def make_player(django_user_model):
    def make(username: str | None = None, **extra):
        return django_user_model.objects.create_user(
            username=username or f"p{uuid.uuid4().hex[:8]}", password="pass-word-123", **extra
        )

    return make
