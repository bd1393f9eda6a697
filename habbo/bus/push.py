"""Pushes to channel-layer groups that happen only after the DB commit.

Consumers run synchronous Django code; one long-lived event loop thread per
process carries the channel layer, so its Redis connections are reused.
"""

import asyncio
import logging
import threading

from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
PUSH_TIMEOUT_S = 5


def _event_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="channel-layer-push", daemon=True).start()
        return _loop


def group_send(group: str, message: dict) -> None:
    """Send now, waiting for Redis; for code that runs outside a transaction."""
    layer = get_channel_layer()
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _event_loop())
    future.result(PUSH_TIMEOUT_S)


def push_on_commit(group: str, message: dict) -> None:
    """Send to a group once the current transaction has committed.

    A failed push is logged, not raised: the fact is already stored, and a
    client that missed the push sees it on its next page load.
    """
    transaction.on_commit(lambda: group_send(group, message), robust=True)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
