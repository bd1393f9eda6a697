"""Events on the chat-messages topic (key: room id)."""

import uuid
from typing import Literal

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from chat.models import MAX_LINE
from habbo.bus.events import Event
from habbo.bus.topics import CHAT_MESSAGES


# A chat line: 1-100 characters of text, no control characters (they are
# never shown, and PostgreSQL refuses NUL).
ChatText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LINE, pattern=r"^[^\x00-\x1f\x7f]*$")
]


class ChatMessageSent(Event):
    TYPE = "chat.message"
    TOPIC = CHAT_MESSAGES

    room_id: uuid.UUID
    user_id: int = Field(gt=0)
    kind: Literal["say", "shout", "whisper"]
    text: ChatText
    recipient_id: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _whisper_has_recipient(self) -> "ChatMessageSent":
        if (self.kind == "whisper") != (self.recipient_id is not None):
            raise ValueError("a whisper, and only a whisper, has a recipient_id")
        return self

    def key(self) -> str:
        return str(self.room_id)
