"""Daphne's timeout sweep, passing over the sockets it has nothing to do for.

Every 2 s Daphne's `Server.timeout_checker` calls `check_timeouts()` on
every connection: an open WebSocket's age against the WebSocket timeout, a
handshake's against the connect timeout, and the time since a socket's last
frame or ping against the ping interval (then it pings). With thousands of
players connected and nobody walking, that sweep was about a quarter of a
web process's Python time (bench/README.md, "10,000 players on one box").
Here an open WebSocket that is due neither a ping nor a close is passed over
with a few attribute reads, and every other connection (a handshake, HTTP, a
socket due a ping or a close) gets Daphne's own `check_timeouts()`, so what
happens to a connection, and when, is unchanged.

It reads Daphne's connection attributes, so it is written for the version
below; habbo.web leaves it off under any other.
"""

import sys
import time

from daphne.ws_protocol import WebSocketProtocol

WRITTEN_FOR = {"daphne": "4.2.3"}

_installed = False
_reactor = None  # daphne.server's, once installed


def _timeout_checker(self) -> None:
    now = time.time()
    opened_after = now - self.websocket_timeout if self.websocket_timeout >= 0 else float("-inf")
    pinged_after = now - self.ping_interval
    for protocol in list(self.connections):
        if not (
            type(protocol) is WebSocketProtocol
            and protocol.state == WebSocketProtocol.STATE_OPEN
            and protocol.last_ping >= pinged_after
            and protocol.socket_opened >= opened_after
        ):
            protocol.check_timeouts()
    _reactor.callLater(2, self.timeout_checker)


def install() -> None:
    """Replace the sweep of Daphne's server (idempotent). Only under Daphne,
    which has imported daphne.server before it loads the application:
    importing it anywhere else would install Twisted's asyncio reactor there."""
    global _installed, _reactor
    server = sys.modules.get("daphne.server")
    if server is not None and not _installed:
        _reactor = server.reactor
        server.Server.timeout_checker = _timeout_checker
        _installed = True
