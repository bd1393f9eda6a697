"""Who is online: a player with at least one open hotel socket (any page).

    live:online:<user id>   sorted set  connection id → expiry (ms)

Each hotel socket renews its entry; a socket whose process died simply
expires, so nobody stays online forever.
"""

import time

from django.dispatch import Signal

from habbo.redis import redis

ONLINE_TTL_S = 90  # a hotel socket renews every ONLINE_TTL_S / 3

# Where a player can be seen changed: a hotel socket opened or closed, or
# they entered or left a room. Sent with `user_id`; the apps that show it
# (friends) connect to it, so the sockets need not know them.
presence_changed = Signal()


async def changed(user_id: int) -> None:
    await presence_changed.asend(sender=None, user_id=user_id)


def _key(user_id: int) -> str:
    return f"live:online:{user_id}"


async def mark_online(user_id: int, conn: str) -> None:
    now = int(time.time() * 1000)
    async with redis().pipeline(transaction=True) as pipe:
        pipe.zadd(_key(user_id), {conn: now + ONLINE_TTL_S * 1000})
        pipe.zremrangebyscore(_key(user_id), 0, now)
        pipe.expire(_key(user_id), ONLINE_TTL_S)
        await pipe.execute()


async def mark_offline(user_id: int, conn: str) -> None:
    await redis().zrem(_key(user_id), conn)


def online_query(sync_redis, user_id: int):
    """The count of live hotel sockets (> 0: online), for a plain redis.Redis
    or RedisCluster or one of their pipelines (synchronous code: Kafka
    handlers, views)."""
    return sync_redis.zcount(_key(user_id), int(time.time() * 1000), "+inf")


def is_online(sync_redis, user_id: int) -> bool:
    return online_query(sync_redis, user_id) > 0


def players_online(sync_redis) -> int:
    """How many players are online (the admin's Hotel status): a scan (of
    every master, on a Redis Cluster), not for hot paths."""
    keys = list(sync_redis.scan_iter(match=_key("*"), count=1000))
    now = int(time.time() * 1000)
    with sync_redis.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.zcount(key, now, "+inf")
        return sum(1 for live in pipe.execute() if live)
