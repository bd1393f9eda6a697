"""Keys that one transaction touches lie in one Redis Cluster slot, and a
room's doorbell on the room's own: checked on the names, so the single-node
suite catches a key that would break (or leave its shard) on a cluster."""

import uuid

from redis.crc import key_slot

from rooms.doorbell import _pass_key, _ring_key
from rooms.live import LiveRoom
from rooms.trading import trade_key, trading_key


def slots(*keys: str) -> set[int]:
    return {key_slot(key.encode()) for key in keys}


def test_a_trade_and_both_players_keys_share_a_slot_whoever_trades():
    # open_trade, change and close watch and write these together.
    trade, alice, bob = str(uuid.uuid4()), 7, 123456
    assert len(slots(trade_key(trade), trading_key(alice), trading_key(bob))) == 1
    assert len({trade_key(trade), trading_key(alice), trading_key(bob)}) == 3, "still three keys"


def test_a_rooms_doorbell_lives_on_the_rooms_slot():
    rooms = [uuid.uuid4() for _ in range(20)]
    for room in rooms:
        assert slots(_pass_key(room, 7), _ring_key(room, 7)) == slots(LiveRoom(room).key)
    assert len(slots(*(LiveRoom(room).key for room in rooms))) > 1, "rooms spread over the slots"
