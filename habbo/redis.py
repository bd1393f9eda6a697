"""The Redis clients for live state (not the channel layer's own): one
server, or a Redis Cluster (REDIS_CLUSTER), whose client sends each command
to the master of its key's slot and follows a failover by itself. Keys that
one command or script touches together share a hash tag (see tag())."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import NoScriptError, RedisClusterException, RedisError

from habbo.loops import per_loop

REDIS_POOL_SIZE = 100
REDIS_POOL_WAIT_S = 10
REDIS_CLUSTER_POOL_SIZE = 2000
# What a failing Redis raises: a cluster client that reaches no node raises
# RedisClusterException, which is no RedisError.
REDIS_DOWN = (RedisError, RedisClusterException)


@per_loop
def redis() -> aioredis.Redis:
    """The running event loop's client."""
    # Hundreds of sockets in one process walk at once: past the pool's
    # size a command waits for a connection (redis-py's default pool
    # raises "Too many connections" instead, and the walk was lost).
    if settings.REDIS_CLUSTER:
        # The cluster client's pool per node fails when it is full instead of
        # waiting: a walk would be lost, so it is sized for every socket of
        # a process walking at once.
        return aioredis.RedisCluster.from_url(
            settings.REDIS_URL, decode_responses=True, max_connections=REDIS_CLUSTER_POOL_SIZE
        )
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.REDIS_URL, decode_responses=True, max_connections=REDIS_POOL_SIZE, timeout=REDIS_POOL_WAIT_S
    )
    return aioredis.Redis(connection_pool=pool)


def tag(name: str, owner) -> str:
    """`{name:owner}`, the hash tag of the keys one owner's commands touch
    together (a room's, a player's): on a cluster they share a slot."""
    return f"{{{name}:{owner}}}"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


async def run_script(text: str, keys: list, args: list):
    """Run a Lua script by its SHA (EVALSHA), so a call does not send the
    script's text; a node that does not know it yet (a fresh one, or a
    replica just promoted) gets it once through EVAL, on the keys' node only."""
    client = redis()
    try:
        return await client.evalsha(_sha(text), len(keys), *keys, *args)
    except NoScriptError:
        return await client.eval(text, len(keys), *keys, *args)


@dataclass(frozen=True)
class Script:
    """A script call for one_round_trip()."""

    text: str
    keys: list
    args: list

    async def run(self):
        """The call alone: run_script()."""
        return await run_script(self.text, self.keys, self.args)


async def one_round_trip(*calls: "Script | tuple") -> list:
    """Scripts and commands (a tuple: name, *args) in one pipeline, not a
    transaction (on a Redis Cluster, one per node, sent together), their
    replies in order. Each redis-py round trip costs the event loop about as
    much as three commands in a pipeline (bench/README.md, "Entering").

    A script a node does not know yet runs again alone (run_script), after
    the others: only calls whose order does not matter go together. A call
    that failed has its error as its reply (see failed()), and the others
    are done, as separate calls would be: the caller undoes what it must.
    A connection lost on the way raises, as a single call's would."""
    async with redis().pipeline(transaction=False) as pipe:
        for call in calls:
            if isinstance(call, Script):
                pipe.evalsha(_sha(call.text), len(call.keys), *call.keys, *call.args)
            else:
                pipe.execute_command(*call)
        replies = await pipe.execute(raise_on_error=False)
    for i, (call, reply) in enumerate(zip(calls, replies)):
        if isinstance(reply, NoScriptError) and isinstance(call, Script):
            replies[i] = await call.run()
    return replies


def failed(replies: list) -> Exception | None:
    """The first error among one_round_trip()'s replies, if any."""
    return next((reply for reply in replies if isinstance(reply, Exception)), None)


def run_script_sync(text: str, keys: list, args: list):
    """run_script() for synchronous code."""
    client = sync_redis()
    try:
        return client.evalsha(_sha(text), len(keys), *keys, *args)
    except NoScriptError:
        return client.eval(text, len(keys), *keys, *args)


_sync_client = None


def sync_redis():
    """A plain client for synchronous code (Kafka handlers); thread-safe."""
    global _sync_client
    if _sync_client is None:
        import redis as redis_sync

        client_class = redis_sync.RedisCluster if settings.REDIS_CLUSTER else redis_sync.Redis
        _sync_client = client_class.from_url(settings.REDIS_URL, decode_responses=True)
    return _sync_client
