"""Events on the friend-requests topic (key: the ordered user pair)."""

from pydantic import Field, model_validator

from habbo.bus.events import Event
from habbo.bus.topics import FRIEND_REQUESTS, PRIVATE_MESSAGES
from habbo.text import PlainText

MESSAGE_MAX = 255
# A messenger line: 1-255 characters of plain text (habbo.text).
MessageText = PlainText(MESSAGE_MAX)


def pair_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


class _PairEvent(Event):
    TOPIC = FRIEND_REQUESTS

    sender_id: int = Field(gt=0, description="who asked to be friends")
    recipient_id: int = Field(gt=0, description="the other player; not the sender")

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
    request_id: int = Field(gt=0, description="the request answered, from sender to recipient")


class FriendDeclined(_PairEvent):
    """recipient declines request_id from sender (the actor is the recipient)."""

    TYPE = "friend.declined"
    request_id: int = Field(gt=0, description="the request answered, from sender to recipient")


class FriendRemoved(_PairEvent):
    """sender ends the friendship with recipient (the actor is the sender)."""

    TYPE = "friend.removed"
    sender_id: int = Field(gt=0, description="who ends the friendship")


class MessageSent(_PairEvent):
    """sender writes to recipient, a friend (topic private-messages)."""

    TYPE = "message.sent"
    TOPIC = PRIVATE_MESSAGES
    sender_id: int = Field(gt=0, description="who writes")
    text: MessageText
