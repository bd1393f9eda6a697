"""`manage.py kafka_lag`: each group's lag per partition, from Kafka's own
offsets, against events produced here; exit 1 above --max."""

import os
import subprocess
import sys

import pytest

from chat.events import ChatMessageSent
from conftest import ROOT, wait_for
from habbo.bus.producer import publish
from habbo.bus.topics import CHAT_MESSAGES
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def kafka_lag(prefix: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"KAFKA_TOPIC_PREFIX": prefix}
    command = [sys.executable, "manage.py", "kafka_lag", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def chat_history_rows(output: str, prefix: str) -> tuple[list[list[str]], int]:
    """The chat-history group's partition rows and its total."""
    rows = [line.split() for line in output.splitlines() if line.startswith(prefix + "chat-history ")]
    partitions = [row for row in rows if row[1] != "total"]
    (total,) = [int(row[-1]) for row in rows if row[1] == "total"]
    return partitions, total


def test_lag_counts_unread_events_then_none_once_the_consumer_caught_up(kafka, consumer_process, make_player):
    speaker = make_player()
    room = Room.objects.create(owner=speaker, name="Lag room", floor_plan="000\n000", door_x=0, door_y=0)
    for n in range(5):
        publish(ChatMessageSent(room_id=room.pk, user_id=speaker.pk, kind="say", text=f"line {n}"), actor=speaker.pk)

    behind = kafka_lag(kafka.prefix, "--max", "0")
    assert behind.returncode == 1, behind.stderr
    assert "lag above 0" in behind.stderr
    partitions, total = chat_history_rows(behind.stdout, kafka.prefix)
    assert total == 5
    assert len(partitions) == CHAT_MESSAGES.partitions
    assert {row[3] for row in partitions} == {"-"}, "the group never committed"
    assert sum(int(row[4]) for row in partitions) == kafka.end_offsets(CHAT_MESSAGES.full_name) == 5

    consumer_process("chat-history")
    wait_for(lambda: kafka.committed("chat-history", CHAT_MESSAGES.full_name) == 5, what="chat-history to commit")

    caught_up = kafka_lag(kafka.prefix, "--max", "0")
    assert caught_up.returncode == 0, caught_up.stderr
    partitions, total = chat_history_rows(caught_up.stdout, kafka.prefix)
    assert total == 0
    assert sum(int(row[3]) for row in partitions if row[4] != "0") == 5
