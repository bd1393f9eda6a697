"""One room broadcast, framed once and written straight to Daphne's connections.

Through ASGI, each receiver's copy of a broadcast goes through Channels'
send, Daphne's reply handling and autobahn's framing and logging: about half
of a delivery's CPU under load (bench/README.md). A server's frames are not
masked (RFC 6455, 5.1), so every receiver gets the same bytes: they are
built once per broadcast and written to each connection's transport.

Only text frames of whole messages go this way; accepting, closing and
everything else still go through ASGI. Daphne's outgoing message limit is
not applied to these: room frames are walks and chat lines, far below it. Under anything but Daphne (the test
communicator, another server) there is no connection to write to and the
socket uses ASGI for everything.
"""

import functools
import struct

from daphne.ws_protocol import WebSocketProtocol

_TEXT_FINAL = 0x81  # FIN + opcode 1 (text)


class Frame:
    """A text message, and its bytes on the wire, built on first use."""

    __slots__ = ("text", "_wire")

    def __init__(self, text: str):
        self.text = text
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            payload = self.text.encode()
            size = len(payload)
            if size < 126:
                header = struct.pack("!BB", _TEXT_FINAL, size)
            elif size < 1 << 16:
                header = struct.pack("!BBH", _TEXT_FINAL, 126, size)
            else:
                header = struct.pack("!BBQ", _TEXT_FINAL, 127, size)
            self._wire = header + payload
        return self._wire


def daphne_connection(send) -> WebSocketProtocol | None:
    """The connection behind an application's `send`: Daphne passes
    `functools.partial(Server.handle_reply, connection)`. None otherwise."""
    if isinstance(send, functools.partial) and send.args and isinstance(send.args[0], WebSocketProtocol):
        return send.args[0]
    return None


def write(connection: WebSocketProtocol, frame: Frame) -> bool:
    """Write the frame; False (nothing written) unless the socket is open
    and autobahn has nothing of its own queued to send first."""
    if connection.state != WebSocketProtocol.STATE_OPEN or connection.send_queue:
        return False
    connection.transport.write(frame.wire)
    return True
