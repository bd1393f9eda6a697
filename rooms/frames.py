"""What the room socket sends (docs/protocol.md), declared once. Every frame
is one of these models and is encoded by frame_text, whether it goes to one
socket, to the room (rooms.fanout) or through a live-state script (rooms.live).

The server builds frames from its own data: the hot ones (walk, wave, a chat
line) are built without validation (model_construct); the tests validate
what the socket really sends against these models.
"""

from typing import Annotated, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Tile = tuple[int, int]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AvatarView(_Part):
    """What others see of an avatar: never its connection."""

    id: int
    name: str
    figure: dict[str, str]
    path: list[Tile] = Field(description="walks from path[0] one tile each 500 ms from started_at")
    started_at: int


class RoomView(_Part):
    id: str
    name: str
    capacity: int
    floor_plan: list[str]
    door: Tile


class FurnitureView(_Part):
    id: int
    item: int = Field(description="the kind (catalogue item id)")
    name: str
    look: str = Field(description="how it is drawn: chair, sofa, bed, table, rug, plant, lamp, divider, block, shelf")
    x: int
    y: int
    rotation: int = Field(description="0, 2, 4 or 6: eighths of a turn; 2 and 6 swap width and length")
    width: int
    length: int
    height: int = Field(description="in hundredths of a tile")
    colour: str
    can_sit: bool
    can_lay: bool
    can_walk_on: bool


class LineView(_Part):
    user: int
    name: str
    kind: Literal["say", "shout", "whisper"]
    text: str
    at: int


class Snapshot(_Part):
    type: Literal["snapshot"] = "snapshot"
    you: int
    now: int
    room: RoomView
    furniture: list[FurnitureView]
    avatars: list[AvatarView]
    chat: list[LineView] = Field(description="the room's last public lines, oldest first")


class UserEntered(_Part):
    type: Literal["user_entered"] = "user_entered"
    user: AvatarView


class UserLeft(_Part):
    type: Literal["user_left"] = "user_left"
    user: int


class Walk(_Part):
    type: Literal["walk"] = "walk"
    user: int
    path: list[Tile]
    started_at: int


class Wave(_Part):
    type: Literal["wave"] = "wave"
    user: int


class Chat(LineView):
    type: Literal["chat"] = "chat"


class WhisperLine(Chat):
    to: int = Field(description="the one player who sees it besides the speaker")


class Error(_Part):
    type: Literal["error"] = "error"
    code: str
    message: str


Frame = Snapshot | UserEntered | UserLeft | Walk | Wave | WhisperLine | Chat | Error
FRAMES = (Snapshot, UserEntered, UserLeft, Walk, Wave, Chat, WhisperLine, Error)
# For tests and tools that read frames back.
AnyFrame = TypeAdapter(Annotated[Frame, Field(union_mode="left_to_right")])


def frame_text(frame: Frame) -> str:
    """A frame as the socket sends it (and as rooms.fanout publishes it)."""
    return orjson.dumps(frame.model_dump(mode="json")).decode()
