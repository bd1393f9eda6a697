"""The room sockets' channel layer: Channels' process-specific channels
("<process channel>!<socket>") over the hotel's pub/sub layer.

A room socket gets a few messages from elsewhere in the hotel: a whisper, a
trade's frames, "your later socket replaced you", a moderator's kick or ban
(through its player's group). On channels_redis's pub/sub layer each socket's
own channel and each group it joins are a Redis SUBSCRIBE when it opens and
an UNSUBSCRIBE when it goes: over a quarter of a room entry's CPU
(bench/README.md, "Entering"). Here each event loop (a web process) subscribes once, to a
channel of its own, and joins one group that every process is in. A socket's
channel is a queue in its process; its groups are kept in the process too, and
a group message reaches every process, which hands it to the sockets it has
in that group. Sanctions are rare, so sending each to every process is cheap.

Messages travel over the layer named `over` (its serializer, its shards),
so whatever reaches that layer reaches these sockets.
"""

import asyncio
import logging
import uuid
import weakref

from channels.layers import BaseChannelLayer, get_channel_layer

log = logging.getLogger(__name__)

ALIAS = "sockets"  # its name in settings.CHANNEL_LAYERS
EVERY_PROCESS = "sockets.processes"  # the group, on the layer underneath, that every process's channel joins
_TO, _GROUP = "__asgi_channel__", "__asgi_group__"


class _Process:
    """One event loop's channel on the layer underneath, and its sockets'
    queues and groups."""

    def __init__(self):
        self.channel: str | None = None
        self.queues: dict[str, asyncio.Queue] = {}
        self.groups: dict[str, set[str]] = {}  # group → its channels here
        self.joined: dict[str, set[str]] = {}  # channel → its groups
        self.opening: asyncio.Future | None = None
        self.reader: asyncio.Task | None = None  # held here: asyncio keeps only weak references to tasks

    def deliver(self, message: dict) -> None:
        if (channel := message.pop(_TO, None)) is not None:
            if (queue := self.queues.get(channel)) is not None:
                queue.put_nowait(message)
            return
        for channel in self.groups.get(message.pop(_GROUP, None), ()):
            if (queue := self.queues.get(channel)) is not None:
                queue.put_nowait(dict(message))  # a copy each: a handler may change its own


class ProcessChannelLayer(BaseChannelLayer):
    extensions = ["groups"]

    def __init__(self, over: str = "default", **kwargs):
        super().__init__(**kwargs)
        self.over = over
        self._processes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Process]" = weakref.WeakKeyDictionary()

    def _layer(self):
        return get_channel_layer(self.over)

    def _process(self) -> _Process:
        loop = asyncio.get_running_loop()
        if loop not in self._processes:
            self._processes[loop] = _Process()
        return self._processes[loop]

    async def _opened(self) -> _Process:
        """The process's channel, subscribed (once) before the first socket's."""
        process = self._process()
        if process.channel is None:
            if process.opening is None:
                process.opening = asyncio.ensure_future(self._open(process))
            try:
                await asyncio.shield(process.opening)
            except Exception:
                process.opening = None  # Redis out of reach: the next socket tries again
                raise
        return process

    async def _open(self, process: _Process) -> None:
        layer = self._layer()
        channel = await layer.new_channel("sockets.")
        await layer.group_add(EVERY_PROCESS, channel)
        process.channel = channel
        process.reader = asyncio.create_task(self._read(process))

    async def _read(self, process: _Process) -> None:
        layer = self._layer()
        while True:
            try:
                process.deliver(await layer.receive(process.channel))
            except Exception:  # one bad message must not end the process's reading
                log.exception("a message for this process's room sockets was lost")

    # -- the channel layer API (channels.layers) ---------------------------

    async def new_channel(self, prefix: str = "specific.") -> str:
        process = await self._opened()
        channel = f"{process.channel}!{uuid.uuid4().hex}"
        process.queues[channel] = asyncio.Queue()
        return channel

    async def receive(self, channel: str) -> dict:
        process = self._process()
        try:
            return await process.queues[channel].get()
        except (asyncio.CancelledError, GeneratorExit):
            # Channels cancels the receive when the consumer ends: the channel goes.
            process.queues.pop(channel, None)
            for group in process.joined.get(channel, set()).copy():
                self._leave(process, group, channel)
            raise

    async def send(self, channel: str, message: dict) -> None:
        process_channel, mark, _ = channel.partition("!")
        if not mark:  # a channel of the layer underneath (a socket of the release before)
            return await self._layer().send(channel, message)
        await self._layer().send(process_channel, {**message, _TO: channel})

    async def group_add(self, group: str, channel: str) -> None:
        process = self._process()
        process.groups.setdefault(group, set()).add(channel)
        process.joined.setdefault(channel, set()).add(group)

    async def group_discard(self, group: str, channel: str) -> None:
        self._leave(self._process(), group, channel)

    @staticmethod
    def _leave(process: _Process, group: str, channel: str) -> None:
        members, groups = process.groups.get(group, set()), process.joined.get(channel, set())
        members.discard(channel)
        groups.discard(group)
        if not members:
            process.groups.pop(group, None)
        if not groups:
            process.joined.pop(channel, None)

    async def group_send(self, group: str, message: dict) -> None:
        await self._layer().group_send(EVERY_PROCESS, for_group(group, message))


def for_group(group: str, message: dict) -> dict:
    """`message` as the layer underneath carries it to `group` of these sockets
    (for a push sent after a commit: habbo.bus.push)."""
    return {**message, _GROUP: group}
