"""What every WebSocket consumer of the hotel shares."""

from channels.consumer import get_handler_name


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
