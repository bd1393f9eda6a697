"""Pushes to channel-layer groups that happen only after the DB commit.

Consumers run synchronous Django code; one long-lived event loop thread per
process carries the channel layer, so its Redis connections are reused.

Inside a consumer's batch (`collected`), pushes are gathered and stored in
the batch's transaction as one PendingPush row, sent after the commit (while
the next batch is applied), then deleted: a consumer killed in between loses
none, the next reader of its partitions sends them (`send_left_over`). So a push may arrive twice after
such a kill, never not at all. Elsewhere (views) they are sent after commit.
"""

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from channels.layers import get_channel_layer
from django.db import close_old_connections, transaction
from django.utils import timezone

from habbo.models import PendingPush

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_batch = threading.local()
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="push-sender")
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
    group_send_all([(group, message)])


def group_send_all(pushes: list) -> None:
    """Send in order, in one trip to the push thread, waiting once."""
    layer = get_channel_layer()

    async def send_all():
        for group, message in pushes:
            await layer.group_send(group, message)

    asyncio.run_coroutine_threadsafe(send_all(), _event_loop()).result(PUSH_TIMEOUT_S)


def push_on_commit(group: str, message: dict) -> None:
    """Send to a group once the current transaction has committed.

    A failed send is logged, not raised: the fact is already stored, and a
    client that missed the push sees it on its next page load.
    """
    pushes = getattr(_batch, "pushes", None)
    if pushes is not None:
        pushes.append((group, message))
    else:
        transaction.on_commit(lambda: group_send(group, message), robust=True)


@contextmanager
def collected(consumer: str):
    """Gather the pushes made inside (a consumer's batch transaction) into one
    PendingPush row, sent and deleted after the commit."""
    _batch.pushes = pushes = []
    try:
        yield
    finally:
        _batch.pushes = None
    if pushes:
        row = PendingPush.objects.create(consumer=consumer, pushes=pushes)
        transaction.on_commit(lambda: _send_in_background(row), robust=True)


def _send_in_background(row: PendingPush) -> None:
    """Send while the consumer applies its next batch; one batch in flight at
    most, so pushes keep their order and never pile up."""
    wait_for_sends()
    _batch.in_flight = _sender.submit(_send_and_forget, [row])


def wait_for_sends() -> None:
    """Wait until this thread's pushes in flight are sent (or failed: logged)."""
    in_flight, _batch.in_flight = getattr(_batch, "in_flight", None), None
    if in_flight is not None:
        try:
            in_flight.result()
        except Exception:  # the row stays stored and is sent again later
            log.exception("pushes not sent")


def send_left_over(consumer: str) -> int:
    """Send what a killed `consumer` stored but never sent; returns how many rows."""
    rows = list(PendingPush.objects.filter(consumer=consumer, created_at__lt=timezone.now()).order_by("pk"))
    _send_and_forget(rows)
    return len(rows)


def _send_and_forget(rows: list[PendingPush]) -> None:
    if rows:
        group_send_all([push for row in rows for push in row.pushes])
        close_old_connections()
        PendingPush.objects.filter(pk__in=[row.pk for row in rows]).delete()


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
