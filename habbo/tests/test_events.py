"""The envelope and event decoding: what goes to the DLQ and why."""

import json
import uuid

import pytest

from conftest import room_created
from habbo.bus.events import InvalidEvent, decode


def raw(envelope_dict: dict) -> bytes:
    return json.dumps(envelope_dict).encode()


def test_round_trip_keeps_every_field():
    event = room_created(7)
    envelope = event.envelope(actor=7)
    decoded_envelope, decoded = decode(envelope.model_dump_json().encode())
    assert decoded_envelope == envelope
    assert decoded == event
    assert decoded_envelope.key == str(event.room_id)


@pytest.mark.parametrize(
    "message, error",
    [
        (None, "empty message"),
        (b"{not json", "invalid envelope"),
        (b"[]", "invalid envelope"),
    ],
)
def test_undecodable_messages_are_rejected(message, error):
    with pytest.raises(InvalidEvent, match=error):
        decode(message)


def test_unknown_type_is_rejected():
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json") | {"type": "room.exploded"}
    with pytest.raises(InvalidEvent, match="unknown event type 'room.exploded'"):
        decode(raw(envelope))


def test_unknown_version_is_rejected():
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json") | {"version": 9}
    with pytest.raises(InvalidEvent, match="version 9"):
        decode(raw(envelope))


def test_extra_envelope_field_is_rejected():
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json") | {"sneaky": 1}
    with pytest.raises(InvalidEvent, match="sneaky"):
        decode(raw(envelope))


def test_time_without_offset_is_rejected():
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json") | {"occurred_at": "2026-11-27T10:00:00"}
    with pytest.raises(InvalidEvent, match="occurred_at"):
        decode(raw(envelope))


@pytest.mark.parametrize(
    "change, error",
    [
        ({"capacity": 5}, "capacity"),
        ({"name": "ab"}, "name"),
        ({"floor_plan": "00\n000"}, "same width"),
        ({"door_x": 9}, "door"),
        ({"extra": True}, "extra"),
    ],
)
def test_invalid_payload_is_rejected(change, error):
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json")
    envelope["payload"] |= change
    with pytest.raises(InvalidEvent, match=error):
        decode(raw(envelope))


def test_key_must_match_the_payload():
    envelope = room_created(7).envelope(actor=None).model_dump(mode="json") | {"key": str(uuid.uuid4())}
    with pytest.raises(InvalidEvent, match="does not match"):
        decode(raw(envelope))
