"""What a batch is made of before it is applied: each event once, in the
order its first copy came."""

import uuid
from dataclasses import dataclass

import pytest

from habbo.bus import push
from habbo.bus.consumer import Item, record_new
from habbo.models import PendingPush, ProcessedEvent
from rooms.events import UserEntered, UserLeft

pytestmark = [pytest.mark.django_db, pytest.mark.durable]


@dataclass
class Delivered:
    """What record_new reads of a Kafka message."""

    offset_: int

    def topic(self):
        return "hotel.room-events"

    def partition(self):
        return 0

    def offset(self):
        return self.offset_


def test_a_repeated_event_keeps_the_place_of_its_first_copy():
    room, visit = uuid.uuid4(), uuid.uuid4()
    entered = UserEntered(room_id=room, user_id=1, visit_id=visit).envelope(actor=1)
    left = UserLeft(room_id=room, user_id=1, visit_id=visit).envelope(actor=1)
    # A publish retried after later events: entered, left, entered again.
    items = [Item(Delivered(i), envelope, None) for i, envelope in enumerate([entered, left, entered])]
    assert [item.envelope.type for item in record_new("room-stats", items)] == ["room.user_entered", "room.user_left"]
    assert record_new("room-stats", items) == []
    assert ProcessedEvent.objects.filter(consumer="room-stats").count() == 2


def test_unsent_pushes_of_partitions_handed_over_are_left_to_their_next_reader():
    """Their rows stay stored for the partition's next reader (send_left_over):
    the consumer that gave the partition up must not send them again later."""
    rows = [PendingPush(consumer="friends", topic="t", partition=p, pushes=[]) for p in (0, 1, 0)]
    push._batch.unsent = rows
    try:
        push.give_up_unsent({("t", 0)})
        assert push._batch.unsent == [rows[1]]
    finally:
        push._batch.unsent = []
