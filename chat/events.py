"""Events on the chat-messages topic (key: room id)."""

import uuid
from typing import Literal

from pydantic import Field, model_validator

from chat.models import MAX_LINE
from habbo.bus.events import Event
from habbo.bus.topics import CHAT_MESSAGES
from habbo.text import PlainText

# A chat line: 1-100 characters of plain text (habbo.text).
ChatText = PlainText(MAX_LINE)
# What a player reads when a chat line is refused for its length (habbo.refusals).
CHAT_TEXT_REFUSAL = f"A chat line is 1 to {MAX_LINE} characters long."


class ChatMessageSent(Event):
    """A line said, shouted or whispered in a room."""

    TYPE = "chat.message"
    TOPIC = CHAT_MESSAGES

    room_id: uuid.UUID = Field(description="the room; it must exist when the line is applied")
    user_id: int = Field(gt=0, description="the speaker")
    kind: Literal["say", "shout", "whisper"]
    text: ChatText
    recipient_id: int | None = Field(default=None, gt=0, description="set for a whisper, and only for a whisper")

    @model_validator(mode="after")
    def _whisper_has_recipient(self) -> "ChatMessageSent":
        if (self.kind == "whisper") != (self.recipient_id is not None):
            raise ValueError("a whisper, and only a whisper, has a recipient_id")
        return self

    def key(self) -> str:
        return str(self.room_id)
