"""Twisted TCP connections that write at once when nothing is queued.

Twisted's TCP transport never writes in `write()`: it queues the bytes,
registers the socket for writability (an epoll_ctl), writes on the next
loop turn and unregisters (another epoll_ctl). Daphne's room sockets mostly
get one small frame at a time, so that dance was about a fifth of a daphne
process's CPU under load (bench/README.md). Here a write to a connection with
nothing queued goes straight to `send()`; whatever the kernel does not take,
and every error, takes Twisted's own path, so ordering, back-pressure and
connection loss behave as before.

It reads Twisted's private write buffers, so it is written for the version
below; habbo.web leaves it off under any other.
"""

from twisted.internet import tcp

WRITTEN_FOR = {"Twisted": "26.10.0"}

_installed = False


def _eager_write(self, data: bytes) -> None:
    if (
        type(data) is bytes
        and not self.TLS
        and self.connected
        and not self._aborting
        and not self._writeDisconnected
        and not self._tempDataLen
        and self.offset == len(self.dataBuffer)
        and data
    ):
        sent = self.writeSomeData(data)
        if isinstance(sent, int) and sent > 0:
            if sent == len(data):
                return
            data = data[sent:]
    # Queued data, TLS, a full socket buffer or an error: Twisted's own write.
    _original_write(self, data)


_original_write = tcp.Connection.write


def install() -> None:
    """Patch Twisted's TCP connections (idempotent)."""
    global _installed
    if not _installed:
        tcp.Connection.write = _eager_write
        _installed = True
