"""The session engine (SESSION_ENGINE): Django's cached_db, read from the
cache and written through to the database, so a Redis restart logs nobody
out, on one cache client per process.

Django's `caches` gives each async context a cache object of its own, with
a connection pool of its own: a socket opening read its session over a new
Redis connection, and building one cost more than the read (bench/README.md,
"Entering"). Django's Redis client is thread-safe, so one is shared here.
"""

from functools import cache

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches


@cache
def _shared_cache():
    return caches.create_connection(settings.SESSION_CACHE_ALIAS)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        # Not cached_db's own __init__: its `caches[...]` would leave a cache
        # object in every socket's async context for the socket's life.
        db.SessionStore.__init__(self, session_key)
        self._cache = _shared_cache()
