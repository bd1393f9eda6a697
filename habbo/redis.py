"""The asyncio Redis client for live state (not the channel layer's own)."""

import asyncio
import weakref

from django.conf import settings
from redis import asyncio as aioredis

_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis]" = weakref.WeakKeyDictionary()


def redis() -> aioredis.Redis:
    """One client per event loop (tests run several loops in one process)."""
    loop = asyncio.get_running_loop()
    if loop not in _clients:
        _clients[loop] = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return _clients[loop]


_sync_client = None


def sync_redis():
    """A plain client for synchronous code (Kafka handlers); thread-safe."""
    global _sync_client
    if _sync_client is None:
        import redis as redis_sync

        _sync_client = redis_sync.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return _sync_client
