"""The asyncio Redis client for live state (not the channel layer's own)."""

from django.conf import settings
from redis import asyncio as aioredis
from redis.commands.core import AsyncScript

from habbo.loops import per_loop

REDIS_POOL_SIZE = 100
REDIS_POOL_WAIT_S = 10


@per_loop
def redis() -> aioredis.Redis:
    """The running event loop's client."""
    # Hundreds of sockets in one process walk at once: past the pool's
    # size a command waits for a connection (redis-py's default pool
    # raises "Too many connections" instead, and the walk was lost).
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.REDIS_URL, decode_responses=True, max_connections=REDIS_POOL_SIZE, timeout=REDIS_POOL_WAIT_S
    )
    return aioredis.Redis(connection_pool=pool)


_scripts: dict[str, AsyncScript] = {}


async def run_script(text: str, keys: list, args: list):
    """Run a Lua script by its SHA (EVALSHA; redis-py loads it on first use),
    so a call does not send the script's text."""
    client = redis()
    if text not in _scripts:
        _scripts[text] = client.register_script(text)
    return await _scripts[text](keys, args, client=client)


_sync_client = None


def sync_redis():
    """A plain client for synchronous code (Kafka handlers); thread-safe."""
    global _sync_client
    if _sync_client is None:
        import redis as redis_sync

        _sync_client = redis_sync.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return _sync_client
