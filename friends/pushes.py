"""The friends app's notices to a player's pages (habbo.bus.push.Notice);
who receives which is in docs/protocol.md."""

from pydantic import BaseModel, ConfigDict, Field

from habbo.bus.push import Notice
from rooms.pushes import RoomCard


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)


class PlayerRef(_Part):
    id: int


class PlayerCard(PlayerRef):
    name: str
    figure: dict[str, str]


class Status(_Part):
    online: bool
    room: RoomCard | None = Field(description="the room the player is in, if any")


class Friend(Status, PlayerCard):
    pass


class Presence(Status, PlayerRef):
    pass


class Request(_Part):
    id: int


class IncomingRequest(Request):
    sender: PlayerCard = Field(alias="from")


class Sender(_Part):
    id: int
    name: str


class MessageCard(_Part):
    id: str
    sender: Sender = Field(alias="from")
    to: int = Field(description="the recipient's id")
    text: str
    at: int = Field(description="when it was sent (ms)")


class FriendRequested(Notice):
    KIND = "friend.requested"
    request: IncomingRequest


class FriendRequestSent(Notice):
    KIND = "friend.request_sent"
    to: PlayerCard


class FriendAccepted(Notice):
    KIND = "friend.accepted"
    friend: Friend


class FriendDeclined(Notice):
    KIND = "friend.declined"
    request: Request


class FriendRemoved(Notice):
    KIND = "friend.removed"
    friend: PlayerRef


class FriendRefused(Notice):
    KIND = "friend.refused"
    message: str = Field(description="why the action changed nothing")


class FriendPresence(Notice):
    KIND = "friend.presence"
    friend: Presence


class _Message(Notice):
    message: MessageCard


class MessageReceived(_Message):
    KIND = "message.received"


class MessageSent(_Message):
    KIND = "message.sent"
