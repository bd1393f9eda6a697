"""Kafka handlers for the chat-history consumer."""

from chat import services
from chat.events import ChatMessageSent
from habbo.bus.events import Envelope
from habbo.bus.registry import ConsumerSpec, register
from habbo.bus.topics import CHAT_MESSAGES


def chat_message(event: ChatMessageSent, envelope: Envelope) -> None:
    services.chat_store(line_id=envelope.id, event=event, said_at=envelope.occurred_at)


register(
    ConsumerSpec(
        name="chat-history",
        topic=CHAT_MESSAGES,
        handlers={"chat.message": chat_message},
        description="stores every chat line anyone saw",
        rebuild=services.chat_history_empty,
    )
)
