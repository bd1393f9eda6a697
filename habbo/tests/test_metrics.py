"""Prometheus metrics (issue 12 §6): a real web process counts requests,
open sockets, walks, chat lines and publish latency and serves them only
with the token; a real consumer process counts the events it applies, each
once; the lag gauge is read from Kafka at each scrape."""

import asyncio
import json
import urllib.error
import urllib.request

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from chat.events import ChatMessageSent
from conftest import free_port, next_of, room_socket, session_cookie, wait_for
from habbo.bus.producer import publish, publish_envelope
from habbo.bus.topics import CHAT_MESSAGES
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "scrape-token-for-tests"


def samples(text: str) -> dict[tuple, float]:
    """(sample name, label items) → value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text) for s in family.samples
    }


def get(url: str, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def scrape(url: str) -> dict[tuple, float]:
    status, text = get(url)
    assert status == 200, text
    return samples(text)


def test_a_web_process_counts_what_it_serves(daphne_server, make_player):
    server = daphne_server(METRICS_TOKEN=TOKEN)
    metrics = f"{server.url}/metrics"
    assert get(metrics, token=None)[0] == 401
    assert get(metrics, token="wrong")[0] == 401

    player = make_player()
    room = Room.objects.create(owner=player, name="Metered room", floor_plan="0000\n0000", door_x=0, door_y=0)
    cookie = session_cookie(player)
    before = scrape(metrics)
    assert get(f"{server.url}/login/", token=None)[0] == 200
    assert get(f"{server.url}/no-such-page/", token=None)[0] == 404

    async def play():
        async with room_socket(server, room, cookie) as ws, connect(
            f"{server.ws_url}/ws/hotel/", origin=server.url, additional_headers={"Cookie": f"sessionid={cookie}"}
        ):
            await next_of(ws, "snapshot")
            await ws.send(json.dumps({"type": "walk", "x": 3, "y": 1}))
            await next_of(ws, "walk")
            await ws.send(json.dumps({"type": "say", "text": "counted"}))
            await next_of(ws, "chat")
            return scrape(metrics)

    during = asyncio.run(play())
    assert during[("hotel_sockets_open", (("kind", "room"),))] == 1
    assert during[("hotel_sockets_open", (("kind", "hotel"),))] == 1
    assert during[("hotel_walks_total", ())] == 1
    assert during[("hotel_chat_lines_total", (("kind", "say"),))] == 1
    assert during[("hotel_chat_lines_total", (("kind", "shout"),))] == 0
    assert during[("hotel_publish_seconds_count", (("topic", CHAT_MESSAGES.full_name),))] == 1
    assert 0 < during[("hotel_publish_seconds_sum", (("topic", CHAT_MESSAGES.full_name),))] < 10
    requests = ("hotel_http_requests_total", (("method", "GET"), ("status", "2xx")))
    assert during[requests] - before.get(requests, 0) == 1, "the login page; scrapes are not counted"
    assert during[("hotel_http_requests_total", (("method", "GET"), ("status", "4xx")))] == 1

    wait_for(lambda: scrape(metrics)[("hotel_sockets_open", (("kind", "room"),))] == 0, what="the room socket counted out")
    assert scrape(metrics)[("hotel_sockets_open", (("kind", "hotel"),))] == 0


def test_a_consumer_process_counts_each_event_it_applies_once(kafka, consumer_process, make_player):
    port = free_port()
    consumer_process("chat-history", "--metrics-port", str(port))
    applied = ("hotel_events_applied_total", (("consumer", "chat-history"),))
    url = f"http://127.0.0.1:{port}/metrics"

    def reading() -> dict | None:
        try:
            return samples(urllib.request.urlopen(url, timeout=5).read().decode())
        except OSError:
            return None  # not listening yet

    assert wait_for(reading, what="the consumer's metrics")[applied] == 0
    speaker = make_player()
    room = Room.objects.create(owner=speaker, name="Applied room", floor_plan="000\n000", door_x=0, door_y=0)
    envelopes = [
        publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text=f"line {n}"), actor=speaker.pk)
        for n in range(3)
    ]
    wait_for(lambda: reading()[applied] == 3, what="three events counted")

    publish_envelope(CHAT_MESSAGES.full_name, envelopes[0])  # delivered again: applied once
    wait_for(lambda: kafka.committed("chat-history", CHAT_MESSAGES.full_name) == 4, what="the repeat read")
    assert reading()[applied] == 3


def test_consumer_lag_is_read_from_kafka_at_each_scrape(kafka, make_player, settings):
    client = Client()
    assert client.get("/metrics/kafka").status_code == 404, "not served without METRICS_TOKEN"
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics/kafka").status_code == 401

    speaker = make_player()
    room = Room.objects.create(owner=speaker, name="Lagging room", floor_plan="000\n000", door_x=0, door_y=0)
    for n in range(4):
        publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text=f"line {n}"), actor=speaker.pk)

    response = client.get("/metrics/kafka", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    scraped = samples(response.content.decode())
    assert scraped[("hotel_kafka_up", ())] == 1
    chat_history = {labels: value for (name, labels), value in scraped.items()
                    if name == "hotel_consumer_lag" and ("consumer", "chat-history") in labels}
    assert len(chat_history) == CHAT_MESSAGES.partitions
    assert sum(chat_history.values()) == 4
    assert ("group", f"{kafka.prefix}chat-history") in next(iter(chat_history))


def test_a_lag_scrape_says_when_kafka_is_unreachable(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{free_port()}"  # nobody listens there
    response = Client().get("/metrics/kafka", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert samples(response.content.decode()) == {("hotel_kafka_up", ()): 0}
