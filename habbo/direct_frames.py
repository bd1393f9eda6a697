"""One room broadcast, framed once and handed straight to Daphne's connections.

Through ASGI, each receiver's copy of a broadcast goes through Channels'
send, Daphne's reply handling and autobahn's framing: about half of a
delivery's CPU under load (bench/README.md). autobahn's public
prepared-message API frames a message once for many connections
(`prepareMessage`, `sendPreparedMessage`); a connection sends it at once, or
behind the bytes autobahn has queued of its own, so nothing is reordered.

Only text messages go this way; accepting, closing and everything else still
go through ASGI. Daphne's outgoing message limit is not applied to these:
room frames are walks and chat lines, far below it. Under anything but Daphne
(the test communicator, another server), or until habbo.web installs this,
there is no connection and the socket uses ASGI for everything.

Finding the connection reaches into Daphne (its `send` is a partial of
`Server.handle_reply`), so this is written for the versions below; habbo.web
leaves it off under any other.
"""

import functools

from autobahn.websocket.protocol import PreparedMessage
from daphne.ws_protocol import WebSocketProtocol

WRITTEN_FOR = {"daphne": "4.2.3", "autobahn": "26.11.1"}

_installed = False


class Frame:
    """A text message, and autobahn's framing of it, made on first use."""

    __slots__ = ("text", "_prepared")

    def __init__(self, text: str):
        self.text = text
        self._prepared: PreparedMessage | None = None

    def prepared(self, connection: WebSocketProtocol) -> PreparedMessage:
        if self._prepared is None:
            self._prepared = connection.factory.prepareMessage(self.text.encode())
        return self._prepared


def install() -> None:
    """Let room sockets find their Daphne connection (idempotent)."""
    global _installed
    _installed = True


def daphne_connection(send) -> WebSocketProtocol | None:
    """The connection behind an application's `send`: Daphne passes
    `functools.partial(Server.handle_reply, connection)`. None otherwise,
    and None until installed."""
    if (
        _installed
        and isinstance(send, functools.partial)
        and send.args
        and isinstance(send.args[0], WebSocketProtocol)
    ):
        return send.args[0]
    return None


def write(connection: WebSocketProtocol, frame: Frame) -> bool:
    """Send the frame, behind anything autobahn has queued; False (nothing
    sent) unless the socket is open: a closing one must send no more frames."""
    if connection.state != WebSocketProtocol.STATE_OPEN:
        return False
    connection.sendPreparedMessage(frame.prepared(connection))
    return True
