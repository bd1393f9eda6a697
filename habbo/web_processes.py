"""Which web processes are alive, for the admin's Hotel status page.

    live:web:<KAFKA_TOPIC_PREFIX>:<host>:<pid>   JSON {host, pid, since}, expiring

Each daphne process sets its key from its own event loop every
WEB_HEARTBEAT_S, with a time to live of MISSED_BEATS beats: a killed process,
or one whose loop is stuck, drops out on its own; one stopped cleanly removes
its key. The key names the topic prefix, as the outbox's does: hotels (or
test runs) sharing a Redis count only their own processes.
"""

import asyncio
import json
import logging
import os
import re
import socket
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from habbo.redis import redis

log = logging.getLogger(__name__)

MISSED_BEATS = 3


def _prefix() -> str:
    return f"live:web:{settings.KAFKA_TOPIC_PREFIX}:"


@dataclass(frozen=True, order=True)
class WebProcess:
    host: str
    pid: int
    since: datetime


class Heartbeat:
    def __init__(self):
        self.key = f"{_prefix()}{socket.gethostname()}:{os.getpid()}"
        self.value = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": timezone.now().isoformat()})
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.ensure_future(self._beat())

    async def _beat(self) -> None:
        ttl_ms = int(settings.WEB_HEARTBEAT_S * MISSED_BEATS * 1000)
        while True:
            try:
                await redis().set(self.key, self.value, px=ttl_ms)
            except Exception:  # Redis away for a while: the process is not; beat again next time
                log.warning("web process heartbeat not written", exc_info=True)
            await asyncio.sleep(settings.WEB_HEARTBEAT_S)

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
        await redis().delete(self.key)


def keep_alive() -> None:
    """Beat from Daphne's event loop while it runs (called by habbo.asgi, which Daphne loads)."""
    # Daphne installs Twisted's asyncio reactor before it loads the application.
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    heartbeat = Heartbeat()
    reactor.callWhenRunning(heartbeat.start)
    reactor.addSystemEventTrigger(
        "before", "shutdown", lambda: Deferred.fromFuture(asyncio.ensure_future(heartbeat.stop()))
    )


def alive(sync_redis) -> list[WebProcess]:
    """This hotel's web processes whose key has not expired, with a plain
    redis.Redis or RedisCluster (whose scan covers every master)."""
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", _prefix()) + "*"
    keys = list(sync_redis.scan_iter(match=pattern, count=1000))
    # A GET per key, not an MGET: on a cluster the keys lie in many slots.
    with sync_redis.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.get(key)
        values = pipe.execute()
    processes = []
    for raw in values:
        if raw:  # expired between the scan and the read
            data = json.loads(raw)
            processes.append(WebProcess(data["host"], data["pid"], datetime.fromisoformat(data["since"])))
    return sorted(processes)
