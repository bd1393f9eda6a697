"""A player's flood count and mute share a Redis Cluster slot (one hash
tag), and players spread over the slots."""

from redis.crc import key_slot

from chat.flood import _keys


def slot(key: str) -> int:
    return key_slot(key.encode())


def test_a_players_flood_keys_share_a_slot_and_players_spread():
    for player in (1, 42, 99999):
        lines, mute = _keys(player)
        assert lines != mute and slot(lines) == slot(mute)
    assert len({slot(_keys(player)[0]) for player in range(50)}) > 1
