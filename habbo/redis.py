"""The Redis clients for live state (not the channel layer's own): one
server, or a Redis Cluster (REDIS_CLUSTER), whose client sends each command
to the master of its key's slot and follows a failover by itself. Keys that
one command or script touches together share a hash tag (see tag())."""

import asyncio
import hashlib
from dataclasses import dataclass

from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import NoScriptError, RedisClusterException, RedisError, ResponseError

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
    replica just promoted) gets it once through EVAL, on the keys' node only.
    Sent with the loop's other commands of the moment (batched())."""
    return await _batch().add(Script(text, keys, args), {})


@dataclass(frozen=True)
class Script:
    """A script call for one_round_trip()."""

    text: str
    keys: list
    args: list

    async def run(self):
        """The call on its own: run_script()."""
        return await run_script(self.text, self.keys, self.args)

    async def _by_text(self):
        return await redis().eval(self.text, len(self.keys), *self.keys, *self.args)


async def batched(*args, **options):
    """One command (name, *args; redis-py's reply options as keywords), sent
    with the others the event loop's coroutines issue in the same turn of the
    loop, in one pipeline: not a transaction, in the order issued (but for a
    script the node does not know yet: see one_round_trip()). While
    IN_FLIGHT pipelines are out, the commands of the next turns wait for the
    first to come back, and go together.

    A redis-py call costs the event loop about 120 µs, most of it the
    client's own (its pool, its timeouts); a pipeline of N about 110 + 25 N.
    While players enter or walk, many coroutines wait on Redis at once: 16
    sending GETs cost 87 µs a GET one by one, 27–34 batched (bench/README.md,
    "Entering")."""
    return await _batch().add(args, options)


# Pipelines a loop has out at once. Under load, commands queue while these
# are out and the next pipeline carries more of them: a process that let
# 3,000 players in sent a quarter fewer pipelines than with no limit (a
# pipeline costs the loop about 110 µs besides its commands). Two, not one:
# a slow reply (a node failing, a long script) holds half, not all, of them.
IN_FLIGHT = 2


class _Batch:
    """The commands waiting for the end of this turn of the loop, or for a
    pipeline to come back while IN_FLIGHT are out."""

    def __init__(self):
        self.waiting: list[tuple[Script | tuple, dict, asyncio.Future]] = []
        self.sending: set[asyncio.Task] = set()  # the pipelines out (kept, so a task in flight is not collected)

    def add(self, call: "Script | tuple", options: dict) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        if not self.waiting:
            loop.call_soon(self._send_waiting)
        future = loop.create_future()
        self.waiting.append((call, options, future))
        return future

    def _send_waiting(self) -> None:
        if not self.waiting or len(self.sending) >= IN_FLIGHT:
            return  # sent already, or to be sent when a pipeline comes back (_sent)
        calls, self.waiting = self.waiting, []
        task = asyncio.ensure_future(_send(calls))
        self.sending.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task) -> None:
        self.sending.discard(task)
        self._send_waiting()


_batch = per_loop(_Batch)


async def _send(calls: list[tuple["Script | tuple", dict, asyncio.Future]]) -> None:
    """One pipeline; each reply (or error) to its caller. A connection lost
    on the way fails every call, as it would have failed each alone."""
    try:
        async with redis().pipeline(transaction=False) as pipe:
            for call, options, _ in calls:
                if isinstance(call, Script):
                    pipe.evalsha(_sha(call.text), len(call.keys), *call.keys, *call.args)
                else:
                    pipe.execute_command(*call, **options)
            replies = await pipe.execute(raise_on_error=False)
    except asyncio.CancelledError:
        for *_, future in calls:
            future.cancel()
        raise
    except Exception as exc:
        replies = [exc] * len(calls)
    unknown = []
    for (call, _, future), reply in zip(calls, replies):
        if isinstance(reply, NoScriptError) and isinstance(call, Script):
            unknown.append((call, future))
        else:
            _settle(future, reply)
    for call, future in unknown:  # after the others: their callers need not wait for these
        try:
            _settle(future, await call._by_text())
        except Exception as exc:
            _settle(future, exc)


def _settle(future: asyncio.Future, reply) -> None:
    if future.done():  # its caller was cancelled
        return
    if isinstance(reply, Exception):
        future.set_exception(reply)
    else:
        future.set_result(reply)


async def one_round_trip(*calls: "Script | tuple") -> list:
    """Scripts and commands (a tuple: name, *args) in one pipeline, not a
    transaction (on a Redis Cluster, one per node, sent together), their
    replies in order (batched(): with whatever else the loop sends then).

    A script a node does not know yet runs again alone (by its text), after
    the others: only calls whose order does not matter go together. A call
    that failed has its error as its reply (see failed()), and the others
    are done, as separate calls would be: the caller undoes what it must.
    A connection lost on the way raises, as a single call's would."""
    batch = _batch()
    replies = await asyncio.gather(*(batch.add(call, {}) for call in calls), return_exceptions=True)
    if lost := next((reply for reply in replies if isinstance(reply, BaseException)
                     and not isinstance(reply, ResponseError)), None):
        raise lost
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
