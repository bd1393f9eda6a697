"""The admin's Hotel status page (issue 12 §6): per consumer group the lag
per partition read from Kafka against offsets committed here, the members
Kafka describes, the events applied per second and the topic's dead letters;
the live hotel; staff only; and it still answers when Kafka does not."""

import re
import uuid
from datetime import timedelta

import pytest
from confluent_kafka import ConsumerGroupTopicPartitions, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.test import Client
from django.utils import timezone

from chat.events import ChatMessageSent
from conftest import ARTIFACTS, admin_logged_in, chromium, free_port, stay_in_room, wait_for
from habbo import web_processes
from habbo.bus.producer import publish
from habbo.bus.topics import CHAT_MESSAGES, ROOM_EVENTS
from habbo.models import ProcessedEvent
from habbo.redis import sync_redis
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

STATUS = "/admin/status/"


def staff_client(user) -> Client:
    """A member of staff in through the admin's door: password, then a TOTP token."""
    user.is_staff = True
    user.save()
    return admin_logged_in(user)


def row(html: str, row_id: str) -> str:
    """The text of one table row of the page, tags dropped and spaces squeezed."""
    match = re.search(rf'<tr[^>]*id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def commit(group: str, topic: str, partition: int, offset: int) -> None:
    """Commit an offset for a consumer group, as its consumer would have."""
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, partition, offset)])
    (future,) = admin.alter_consumer_group_offsets([request]).values()
    assert all(tp.error is None for tp in future.result(10).topic_partitions)


def test_lag_members_rate_and_dead_letters_as_kafka_has_them(kafka, consumer_process, make_player):
    speaker = make_player()
    room = Room.objects.create(owner=speaker, name="Status room", floor_plan="000\n000", door_x=0, door_y=0)
    for n in range(5):  # one room, one key: one partition
        publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text=f"line {n}"), actor=speaker.pk)
    [partition] = {msg.partition() for msg in kafka.read(CHAT_MESSAGES.full_name, 5)}
    commit(kafka.prefix + "chat-history", CHAT_MESSAGES.full_name, partition, 2)

    # Two dead letters in room-events' DLQ, with the headers the consumer loop writes.
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    for n, error in enumerate(["unknown owner 7", "invalid envelope: no id"]):
        producer.produce(ROOM_EVENTS.dlq_name, key=b"k", value=b"{not json",
                         headers=[("consumer", b"rooms"), ("error", error.encode()), ("source-offset", str(n).encode())])
    assert producer.flush(10) == 0

    # Twelve events applied by chat-history within the minute, one before it.
    for n in range(13):
        ProcessedEvent.objects.create(consumer="chat-history", event_id=uuid.uuid4(), event_type="chat.message",
                                      topic=CHAT_MESSAGES.full_name, partition=0, offset=n)
    ProcessedEvent.objects.filter(offset=0).update(processed_at=timezone.now() - timedelta(minutes=2))

    consumer_process("visit-log")  # a live member of its group
    staff = staff_client(make_player())

    def with_member() -> str | None:
        page = staff.get(STATUS).content.decode()
        return page if "stable" in row(page, "group-visit-log") else None

    page = wait_for(with_member, interval=0.5, what="visit-log's member in a stable group")

    chat_history = row(page, "group-chat-history")
    chat_history_html = page.split('id="group-chat-history"')[1].split("</tr>")[0]
    lags = dict(re.findall(r'data-partition="(\d+)"[^>]*>\d+: <b>(\d+)</b>', chat_history_html))
    assert lags == {str(p): ("3" if p == partition else "0") for p in range(CHAT_MESSAGES.partitions)}
    assert f"{kafka.prefix}chat-history" in chat_history
    assert "0.20 12 in 60 s 3" in chat_history, chat_history  # applied per second, then the total lag

    visit_log = row(page, "group-visit-log")
    assert "stable 1 hotel-visit-log" in visit_log, visit_log
    assert "0, 1, 2, 3, 4, 5" in visit_log, "its one member holds every partition"

    dead = row(page, "dead-letters-room-events")
    assert dead.startswith("Dead letters 2 Newest: offset 1"), dead
    assert "consumer rooms: invalid envelope: no id" in dead
    assert row(page, "dead-letters-chat-messages") == f"Dead letters 0 none in {CHAT_MESSAGES.dlq_name}"
    assert "Kafka is unreachable" not in page


def test_the_page_answers_without_kafka_and_says_so(make_player, settings):
    staff = staff_client(make_player())
    ProcessedEvent.objects.create(consumer="rooms", event_id=uuid.uuid4(), event_type="room.created",
                                  topic=ROOM_EVENTS.full_name, partition=0, offset=0)
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{free_port()}"  # nobody listens there

    response = staff.get(STATUS)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="kafka-unreachable"' in page and "Kafka is unreachable" in page
    assert row(page, "group-rooms") == f"rooms {settings.KAFKA_TOPIC_PREFIX}rooms – – 0.02 1 in 60 s –", "from the DB"
    assert re.search(r"Players online\s*</th>\s*<td[^>]*>\d+<", page)


def test_staff_only_and_linked_from_the_admin_index(make_player):
    player = Client()
    player.force_login(make_player())
    for client in (Client(), player):
        response = client.get(STATUS)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    staff = staff_client(make_player())
    assert f'href="{STATUS}"' in staff.get("/admin/").content.decode()


def test_staff_open_it_from_the_admin_index_in_a_browser(daphne_server, make_player):
    one, two = daphne_server(WEB_HEARTBEAT_S="0.5"), daphne_server(WEB_HEARTBEAT_S="0.5")
    operator = staff_client(make_player("operator"))
    visitor = make_player("visitor")
    room = Room.objects.create(owner=visitor, name="Busy room", floor_plan="000\n000", door_x=0, door_y=0)
    for n in range(3):  # nobody consumes them: chat-history lags by 3
        publish(ChatMessageSent(room_id=room.pk, user_id=visitor.pk, kind="say", text=f"line {n}"), actor=visitor.pk)
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    producer.produce(ROOM_EVENTS.dlq_name, value=b"{not json", headers=[("consumer", b"rooms"), ("error", b"invalid envelope")])
    assert producer.flush(10) == 0
    wait_for(lambda: len(web_processes.alive(sync_redis())) == 2, what="both web processes' keys")
    client = stay_in_room(one, room, visitor)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": operator.cookies[
                settings.SESSION_COOKIE_NAME].value, "url": two.url}])
            page = context.new_page()
            page.goto(f"{two.url}/admin/")
            page.screenshot(path=str(ARTIFACTS / "hotel-status-admin-index.png"))
            page.click("#operations-module >> text=Hotel status")
            page.wait_for_selector("#hotel-status")
            assert page.inner_text("#web-processes td.number") == "2"
            assert int(page.inner_text("#live-rooms-in-use td.number")) >= 1, "the visitor's room"
            assert page.inner_text("#group-chat-history td.lag-total") == "3"
            assert page.inner_text("#dead-letters-room-events td.count") == "1"
            assert not page.query_selector("#kafka-unreachable")
            page.screenshot(path=str(ARTIFACTS / "hotel-status.png"), full_page=True)
    finally:
        client.kill()
        client.wait()
