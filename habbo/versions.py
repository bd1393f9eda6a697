"""Version tokens for what is cached of a row: a player, a room, a room's
chat. A reader takes the row's token *before* it reads the row and keeps what
it read under that token; a write replaces the token at once and again after
its commit, so whatever was read before the write is never used again, and a
read that raced it is kept under a token nobody asks for any more.

Tokens are random, not counters: a token lost (expired, or Redis restarted
empty) is made anew and matches nothing cached before. The keys carry the
database's name, because test runs and the benchmarks share one Redis with
other databases, whose ids overlap.
"""

import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import transaction

from habbo.redis import REDIS_DOWN, batched, redis, sync_redis, tag

log = logging.getLogger(__name__)

T = TypeVar("T")

# A token unused this long goes: what was cached under it is older still.
TOKEN_TTL_S = 24 * 3600


def cache_key(kind: str, owner, what: str = "version") -> str:
    """A key under the owner's hash tag (on a Redis Cluster one slot holds them all)."""
    # settings.DATABASES, not `connections`: that would give each socket's async
    # context a database connection object of its own, kept as long as the
    # socket (3.5 KiB a socket; bench/README.md, issue 14 target 2). A test run
    # renames the database in both.
    return f"cache:{what}:{settings.DATABASES['default']['NAME']}:{tag(kind, owner)}"


def _new_token() -> str:
    return uuid.uuid4().hex


def current(kind: str, owner, *also: str) -> tuple[str, list]:
    """The owner's token (made if there is none) and the values of the keys
    `also`, in one round trip."""
    key = cache_key(kind, owner)
    with sync_redis().pipeline(transaction=True) as pipe:
        pipe.set(key, _new_token(), nx=True, ex=TOKEN_TTL_S)
        pipe.get(key)
        for other in also:
            pipe.get(other)
        _, token, *values = pipe.execute()
    return token, values


def copy_key(kind: str, owner) -> str:
    """Where read_kept keeps the copy of what it read for the owner."""
    return cache_key(kind, owner, what=kind)


def kept_under(token: str | None, kept: str | None):
    """The value of a copy as read_kept stores it, if it was read under `token`; else None."""
    if token is None or kept is None:
        return None
    entry = json.loads(kept)
    return entry.get("value") if entry["token"] == token else None


async def aread_kept(kind: str, owner):
    """The value read_kept keeps for the owner, if kept under the current
    token: one round trip on the event loop (the token and the copy share a
    hash tag); None on a miss, for the caller to read_kept in the database
    thread."""
    return kept_under(*await batched("MGET", cache_key(kind, owner), copy_key(kind, owner)))


def read_kept(kind: str, owner, read: Callable[[], T | None], ttl_s: int) -> T | None:
    """read()'s value (JSON; dates as ISO text), from the copy in Redis kept
    under the owner's current token if there is one; else read after taking
    the token, and kept under it for ttl_s (a copy unused that long goes)."""
    token, (kept,) = current(kind, owner, copy_key(kind, owner))
    value = kept_under(token, kept)
    if value is None:
        value = read()
        if value is not None:
            entry = json.dumps({"token": token, "value": value}, default=lambda v: v.isoformat())
            sync_redis().set(copy_key(kind, owner), entry, ex=ttl_s)
    return value


async def acurrent(kind: str, owner) -> str:
    """current() for the event loop: a plain GET when the token is there."""
    key = cache_key(kind, owner)
    token = await batched("GET", key)
    if token is None:
        async with redis().pipeline(transaction=True) as pipe:
            pipe.set(key, _new_token(), nx=True, ex=TOKEN_TTL_S)
            pipe.get(key)
            _, token = await pipe.execute()
    return token


def bump(kind: str, owner) -> None:
    """The owner's row changes: now (readers in this transaction, and tests,
    whose transactions never commit) and again once the change is committed."""
    bump_many(kind, [owner])


def bump_many(kind: str, owners) -> None:
    """bump() for many owners at once, one round trip each time (a batch
    handler changes thousands a second)."""
    owners = list(owners)
    keys = [cache_key(kind, owner) for owner in owners]
    if not keys:
        return

    def replace():
        try:
            with sync_redis().pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(key, _new_token(), ex=TOKEN_TTL_S)
                pipe.execute()
        except REDIS_DOWN:
            # The write goes on: the caches' own ages bound how long a copy
            # read before it can last (MAX_AGE_S, habbo.socket_user.USER_TTL_S).
            log.warning("the cache tokens of %s %s could not be replaced", kind, owners[:20], exc_info=True)

    replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(replace)


class LocalCache(Generic[T]):
    """What this process keeps of some rows (the last `size` used), each
    under the token it was read at; one GET of the token checks an entry.
    An entry is read again after MAX_AGE_S whatever its token says: a token
    that could not be replaced (Redis unreachable at that write) misleads
    for that long at most."""

    MAX_AGE_S = 60

    def __init__(self, kind: str, size: int):
        self.kind, self.size = kind, size
        self._items: OrderedDict[str, tuple[str, float, T]] = OrderedDict()

    def token_key(self, owner) -> str:
        """Where the owner's token is: for a caller that reads it with other keys (then get(token=))."""
        return cache_key(self.kind, owner)

    async def get(self, owner, read: Callable[[], Awaitable[T | None]], token: str | None = None) -> T | None:
        """The owner's value, read with `read()` unless kept under its token
        (`token`, if the caller read it already: the key's value, None if there was none)."""
        token = token or await acurrent(self.kind, owner)
        key = str(owner)
        kept = self._items.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] == token and now - kept[1] < self.MAX_AGE_S:
            self._items.move_to_end(key)
            return kept[2]
        value = await read()
        if value is None:
            self._items.pop(key, None)
            return None
        self._items[key] = (token, now, value)
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return value
