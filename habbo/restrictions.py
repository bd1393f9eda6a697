"""A moderator's sanctions in force, where the live paths check them.

The moderation consumer (moderation.services) writes them to the player's
row (the truth, read by every HTTP request) and mirrors a mute and a trade
lock in Redis, where the room socket of any web process reads them per chat
line or trade without a database query; the key expires with the sanction.
It also closes a kicked or banned player's sockets wherever they are served:
room sockets through the group each joins (`sockets_group`, on the room
sockets' layer: habbo.socket_layer), the pages' hotel sockets through the
player's own group (habbo.bus.push.user_group).
Declared in the core because chat, rooms and friends check them and the
moderation app sits above them all.
"""

from datetime import datetime
from typing import Literal

from django.utils import timezone

from habbo import socket_layer
from habbo.bus.push import push_on_commit, user_group
from habbo.redis import redis, sync_redis

Restriction = Literal["mute", "trade_lock"]

# Close codes a client explains (docs/protocol.md, "Close codes").
CLOSE_KICKED = 4410
CLOSE_BANNED = 4412
FOREVER = "for good"


def _key(kind: Restriction, user_id: int) -> str:
    return f"sanction:{kind}:{user_id}"


def mirror(kind: Restriction, user_id: int, until: datetime | None) -> None:
    """Set (or clear, with None or a past time) a restriction in Redis."""
    client = sync_redis()
    if until is None or until <= timezone.now():
        client.delete(_key(kind, user_id))
    else:
        client.set(_key(kind, user_id), until.isoformat(), pxat=int(until.timestamp() * 1000))


async def restore(user) -> None:
    """The player's row is the truth: put back a mute or trade lock in force
    that Redis lost (a restart, a flush) as their room socket opens."""
    for kind, until in (("mute", user.muted_until), ("trade_lock", user.trade_locked_until)):
        if until and until > timezone.now():
            await redis().set(_key(kind, user.pk), until.isoformat(), pxat=int(until.timestamp() * 1000), nx=True)


async def restricted_until(kind: Restriction, user_id: int) -> datetime | None:
    raw = await redis().get(_key(kind, user_id))
    until = datetime.fromisoformat(raw) if raw else None
    return until if until and until > timezone.now() else None


def time_left(until: datetime | None) -> str:
    """'12 min', '3 h 5 min', '2 days', or 'for good' (no end)."""
    if until is None:
        return FOREVER
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{round(minutes / 1440)} days"


def sockets_group(user_id: int) -> str:
    """The player's room socket is in this group; it carries only sanctions,
    so a room socket gets none of the player's notices (user_group)."""
    return f"sockets.{user_id}"


def close_sockets_on_commit(
    user_id: int, *, code: int, reason: str, hotel: bool, room_id: str | None = None
) -> None:
    """Close the player's room socket (only in `room_id`, if given) and, with
    `hotel`, their pages' hotel sockets too, once the transaction committed."""
    message = {"type": "sanction.close", "code": code, "reason": reason, "room": room_id}
    push_on_commit(socket_layer.EVERY_PROCESS, socket_layer.for_group(sockets_group(user_id), message))
    if hotel:
        push_on_commit(user_group(user_id), message)


def banned_now(user) -> bool:
    return bool(user.banned and (user.banned_until is None or user.banned_until > timezone.now()))


def ban_sentence(user) -> str:
    """What a banned player reads at the door."""
    end = "for good" if user.banned_until is None else f"until {timezone.localtime(user.banned_until):%Y-%m-%d %H:%M %Z}"
    return f"You are banned from the hotel {end}. Reason: {user.ban_reason or 'none given'}."
