"""Kafka handlers for the chat-history consumer."""

from chat import services
from chat.events import ChatMessageSent
from habbo.bus.events import Envelope


def chat_message(event: ChatMessageSent, envelope: Envelope) -> None:
    services.chat_store(line_id=envelope.id, event=event, said_at=envelope.occurred_at)
