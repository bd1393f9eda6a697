"""What every WebSocket consumer of the hotel shares."""

from importlib import import_module

from channels.consumer import get_handler_name
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings

from habbo.socket_user import socket_user

# What a client may send in one message, in bytes. Daphne's own message limit
# is larger (habbo/web.py), because it also bounds what the server sends, and a
# full room's snapshot is bigger than any client message should be.
CLIENT_MESSAGE_MAX = 16 * 1024
CLOSE_TOO_BIG = 4009  # RFC 6455's 1009 plus 3000: Daphne lets an application close only with 1000 or 3000-4999


class WithoutDbHopPerMessage:
    """Channels closes old DB connections (a thread hop) before every message
    a consumer handles. Our consumers touch the DB only through
    database_sync_to_async, which does that itself; skipping the hop cut the
    CPU per room message by ~40% (bench/README.md)."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)


class SmallClientMessages:
    """Closes the socket on a client message over CLIENT_MESSAGE_MAX (what
    Daphne's frame limit does for a single frame, for a fragmented one)."""

    async def websocket_receive(self, message):
        text, data = message.get("text"), message.get("bytes")
        if len(text.encode() if text else data or b"") > CLIENT_MESSAGE_MAX:
            return await self.close(CLOSE_TOO_BIG, "message too big")
        await super().websocket_receive(message)


class SocketSessionUser(BaseMiddleware):
    """The player's session and user for a socket, read once when it opens.

    Channels' SessionMiddleware wraps `send` to save a modified session on
    HTTP responses, and so checks the session on every frame a socket sends:
    a lazy-object lookup per delivered room frame (bench/README.md). A socket
    never sets a cookie, so here `send` is passed through untouched.

    Only the user goes into the scope: no socket reads the session again, and
    whatever the scope or this frame holds lives as long as the socket.
    """

    async def __call__(self, scope, receive, send):
        session_store = import_module(settings.SESSION_ENGINE).SessionStore
        session = session_store(scope["cookies"].get(settings.SESSION_COOKIE_NAME))
        user = await socket_user(session)
        del session
        return await super().__call__(dict(scope, user=user), receive, send)


def socket_auth(inner):
    """Cookies and the user for the hotel's sockets (AuthMiddlewareStack without scope["session"])."""
    return CookieMiddleware(SocketSessionUser(inner))
