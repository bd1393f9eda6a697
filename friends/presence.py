"""Where a player's friends can see them: online (a hotel socket open) and in
which room (their room socket). Changes are pushed to each friend's
`user.<id>` group as `friend.presence`."""

from channels.db import database_sync_to_async

from friends.friend_cache import cached_friend_ids
from friends.pushes import FriendPresence
from friends.selectors import friends_of
from habbo.bus.push import notify
from habbo.models import User
from habbo.presence import online_query
from habbo.redis import sync_redis
from rooms.live import rooms_of
from rooms.models import Room


def statuses_of(user_ids: list[int]) -> dict[int, dict]:
    """{"online": bool, "room": {"id", "name", "url"} or None} for each player,
    with one Redis round trip and one room query however many there are."""
    if not user_ids:
        return {}
    room_of = rooms_of(user_ids)
    with sync_redis().pipeline(transaction=False) as pipe:
        for uid in user_ids:
            online_query(pipe, uid)
        online = pipe.execute()
    rooms = {str(r.pk): r for r in Room.objects.filter(pk__in=set(room_of.values())).only("id", "name")}
    statuses = {}
    for uid, live in zip(user_ids, online):
        room = rooms.get(room_of.get(uid))
        card = {"id": str(room.pk), "name": room.name, "url": room.get_absolute_url()} if room else None
        statuses[uid] = {"online": live > 0 or card is not None, "room": card}
    return statuses


def friends_by_room(user: User) -> dict[str, list[str]]:
    """The rooms `user`'s friends are in now (id → their names)."""
    friends = {f.pk: f.username for f in friends_of(user)}
    names_in: dict[str, list[str]] = {}
    for uid, status in statuses_of(list(friends)).items():
        if status["room"]:
            names_in.setdefault(status["room"]["id"], []).append(friends[uid])
    return names_in


def status_of(user_id: int) -> dict:
    return statuses_of([user_id])[user_id]


async def announce(user_id: int, **_signal) -> None:
    """Tell every friend where this player is now (on habbo.presence.presence_changed).
    The friends are read from their copy (friends.friend_cache), and the
    status only for a player with friends to tell (it takes Redis and a query)."""
    friends = await cached_friend_ids(user_id)
    if friends:
        status = await database_sync_to_async(status_of)(user_id)
        await notify(friends, FriendPresence(friend={"id": user_id, **status}))
