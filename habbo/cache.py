"""Django's Redis cache on a Redis Cluster (REDIS_CLUSTER): Django's own
backend speaks to one server; this one hands it redis-py's cluster client,
which sends each key to its slot's master. What the hotel uses the cache
for, django-ratelimit's counts (add, incr, get), touches one key a command;
get_many and set_many (MGET, MSET) would span slots and fail, and nothing
calls them."""

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClusterClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._cluster = None

    def get_client(self, key=None, *, write=False):
        if self._cluster is None:
            self._cluster = redis.RedisCluster.from_url(self._servers[0])
        return self._cluster


class HotelRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClusterClient
