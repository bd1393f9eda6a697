"""Where a player's friends can see them: online (a hotel socket open) and in
which room (their room socket). Changes are pushed to each friend's
`user.<id>` group as `friend.presence`."""

import json

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from friends.selectors import friend_ids
from habbo.bus.push import user_group
from habbo.presence import is_online
from habbo.redis import sync_redis
from rooms.models import Room


def status_of(user_id: int) -> dict:
    """{"online": bool, "room": {"id", "name", "url"} or None} for one player."""
    client = sync_redis()
    room = None
    raw = client.get(f"live:user:{user_id}")
    if raw:
        found = Room.objects.filter(pk=json.loads(raw)["room"]).only("id", "name").first()
        if found:
            room = {"id": str(found.pk), "name": found.name, "url": found.get_absolute_url()}
    return {"online": is_online(client, user_id) or room is not None, "room": room}


@database_sync_to_async
def _status_and_friends(user_id: int) -> tuple[dict, list[int]]:
    return status_of(user_id), friend_ids(user_id)


async def announce(user_id: int) -> None:
    """Tell every friend where this player is now."""
    status, friends = await _status_and_friends(user_id)
    message = {"type": "user.notify", "kind": "friend.presence", "data": {"friend": {"id": user_id, **status}}}
    layer = get_channel_layer()
    for friend in friends:
        await layer.group_send(user_group(friend), message)
