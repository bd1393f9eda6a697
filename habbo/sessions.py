"""The session engine (SESSION_ENGINE): Django's cached_db, read from the
cache and written through to the database, so a Redis restart logs nobody
out, on one cache client per process.

Django's `caches` gives each async context a cache object of its own, with
a connection pool of its own: a socket opening read its session over a new
Redis connection, and building one cost more than the read (bench/README.md,
"Entering"). Django's Redis client is thread-safe, so one is shared here. A socket
reads its session on the event loop (acached) and goes to the database
thread only on a miss.
"""

from functools import cache

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches
from django.core.cache.backends.redis import RedisSerializer
from redis.client import NEVER_DECODE

from habbo.redis import batched


@cache
def _shared_cache():
    return caches.create_connection(settings.SESSION_CACHE_ALIAS)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        # Not cached_db's own __init__: its `caches[...]` would leave a cache
        # object in every socket's async context for the socket's life.
        db.SessionStore.__init__(self, session_key)
        self._cache = _shared_cache()

    async def acached(self) -> dict | None:
        """What load() finds in the cache, read on the event loop (one GET,
        no hop to the database thread); None on a miss, for load() to read
        through from the database."""
        if self.session_key is None:
            return None
        # The value is pickled bytes, as Django's Redis cache (CACHES, on
        # REDIS_URL, with its default serializer) stores it.
        raw = await batched("GET", self._cache.make_key(self.cache_key), **{NEVER_DECODE: True})
        try:
            return None if raw is None else RedisSerializer().loads(raw)
        except Exception:  # as load() takes any cache error: a miss
            return None

    def loaded(self, data: dict) -> None:
        """Use `data` (from acached) as the session's, as load() would have."""
        self._session_cache = data
