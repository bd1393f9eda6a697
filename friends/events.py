"""Events on the friend-requests topic (key: the ordered user pair)."""

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from habbo.bus.events import Event
from habbo.bus.topics import FRIEND_REQUESTS, PRIVATE_MESSAGES

MESSAGE_MAX = 255
# A messenger line: text without control characters.
MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_MAX, pattern=r"^[^\x00-\x1f\x7f]*$")
]


def pair_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


class _PairEvent(Event):
    TOPIC = FRIEND_REQUESTS

    sender_id: int = Field(gt=0)
    recipient_id: int = Field(gt=0)

    @model_validator(mode="after")
    def _two_players(self):
        if self.sender_id == self.recipient_id:
            raise ValueError("a player cannot befriend themselves")
        return self

    def key(self) -> str:
        return pair_key(self.sender_id, self.recipient_id)


class FriendRequested(_PairEvent):
    """sender asks recipient to be friends (the actor is the sender)."""

    TYPE = "friend.requested"


class FriendAccepted(_PairEvent):
    """recipient accepts request_id from sender (the actor is the recipient)."""

    TYPE = "friend.accepted"
    request_id: int = Field(gt=0)


class FriendDeclined(_PairEvent):
    """recipient declines request_id from sender (the actor is the recipient)."""

    TYPE = "friend.declined"
    request_id: int = Field(gt=0)


class FriendRemoved(_PairEvent):
    """sender ends the friendship with recipient (the actor is the sender)."""

    TYPE = "friend.removed"


class MessageSent(_PairEvent):
    """sender writes to recipient, a friend (topic private-messages)."""

    TYPE = "message.sent"
    TOPIC = PRIVATE_MESSAGES
    text: MessageText
