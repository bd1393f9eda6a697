"""The rooms' live figures on the admin's Hotel status page (habbo.status)."""

from habbo.redis import sync_redis
from habbo.status import figures
from rooms.live import LiveRoom


@figures
def rooms_in_use() -> dict[str, int]:
    """A room is in use while its live hash holds an avatar (Redis drops an
    emptied hash); its `:seen`, `:seq` and `:reaper` keys share the prefix.
    On a Redis Cluster the scan covers every master."""
    client = sync_redis()
    pattern = LiveRoom("*").key
    head, tail = pattern.split("*")  # around the room id, whatever hash tag the key has
    found = client.scan_iter(match=pattern, _type="hash", count=1000)
    keys = [key for key in found if ":" not in key[len(head):len(key) - len(tail)]]
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.hlen(key)
        players = sum(pipe.execute())
    return {"Rooms in use": len(keys), "Players in rooms": players}
