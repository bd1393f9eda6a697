"""What the room socket sends (docs/protocol.md), declared once. Every frame
is one of these models and is encoded by frame_text, whether it goes to one
socket, to the room (rooms.fanout) or through a live-state script (rooms.live).

The server builds frames from its own data: the hot ones (walk, wave, a chat
line) are built without validation (model_construct); the tests validate
what the socket really sends against these models.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Tile = tuple[int, int]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AvatarView(_Part):
    """What others see of an avatar: never its connection."""

    id: int
    name: str
    figure: dict[str, str] = Field(description="the looks (docs/protocol.md, \"Looks\")")
    motto: str
    dance: int = Field(description="0, or the dance (1-4) it dances until it walks")
    path: list[Tile] = Field(description="walks from path[0] one tile each 500 ms from started_at")
    started_at: int


class RoomView(_Part):
    id: str
    name: str
    owner: int = Field(description="the owner's user id: they may furnish the room and give rights")
    capacity: int
    floor_plan: list[str]
    door: Tile
    wallpaper: str = Field(description="the walls' colour, `#rrggbb`")
    floor: str = Field(description="the floor's colour, `#rrggbb`")


class FurnitureView(_Part):
    id: int
    item: int = Field(description="the kind (catalogue item id)")
    name: str
    look: str = Field(description="how it is drawn: chair, sofa, bed, table, rug, plant, lamp, divider, block, shelf")
    owner: int = Field(description="the player it belongs to")
    x: int
    y: int
    z: int = Field(description="in hundredths of a tile above the floor: the top of what it stands on")
    rotation: int = Field(description="0, 2, 4 or 6: eighths of a turn; 2 and 6 swap width and length")
    rotations: list[int] = Field(description="the turns this kind may take")
    width: int
    length: int
    height: int = Field(description="in hundredths of a tile")
    colour: str
    can_sit: bool
    can_lay: bool
    can_walk_on: bool
    can_stack: bool = Field(description="other pieces may be put on top of it")


class LineView(_Part):
    id: str = Field(description="the line's id (its chat.message event's), to report it")
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
    rights: list[int] = Field(description="players with rights besides the owner")
    furni_seq: int = Field(description="the number of the room's last furniture or rights change in this snapshot")
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


class Dance(_Part):
    """A walk ends a dance without this frame: the `walk` frame says it."""

    type: Literal["dance"] = "dance"
    user: int
    style: int = Field(description="0: stopped, 1-4: the dance")


class LookChanged(_Part):
    """A player in the room saved new looks or motto."""

    type: Literal["look_changed"] = "look_changed"
    user: int
    figure: dict[str, str]
    motto: str


class Chat(LineView):
    type: Literal["chat"] = "chat"


class WhisperLine(Chat):
    to: int = Field(description="the one player who sees it besides the speaker")


class _PieceChanged(_Part):
    type: str
    piece: FurnitureView = Field(description="the piece as it is now")
    seq: int


class FurniAdded(_PieceChanged):
    """A piece was placed. This and the next three carry the room's change
    number: one not above the snapshot's `furni_seq` is already in it."""

    type: Literal["furni_added"] = "furni_added"


class FurniMoved(_PieceChanged):
    type: Literal["furni_moved"] = "furni_moved"


class FurniRemoved(_Part):
    type: Literal["furni_removed"] = "furni_removed"
    furni: int
    seq: int


class RoomSettings(_Part):
    name: str
    description: str
    capacity: int
    access: str = Field(description="`open`, `doorbell` or `locked`")
    is_public: bool
    wallpaper: str
    floor: str


class RoomUpdated(_Part):
    """The owner changed the room's settings: what everyone in it now sees."""

    type: Literal["room_updated"] = "room_updated"
    room: RoomSettings


class Doorbell(_Part):
    """A visitor rang; those with rights answer (doorbell_answer)."""

    type: Literal["doorbell"] = "doorbell"
    user: int
    name: str


class DoorbellAnswered(_Part):
    type: Literal["doorbell_answered"] = "doorbell_answered"
    user: int = Field(description="the visitor")
    let_in: bool


class RightsChanged(_Part):
    type: Literal["rights_changed"] = "rights_changed"
    user: int
    granted: bool
    seq: int


class ItemView(_Part):
    """A kind of furniture as the renderer draws it (also the catalogue's ITEM)."""

    id: int
    name: str
    look: str
    width: int
    length: int
    height: int
    colour: str
    can_sit: bool
    can_lay: bool
    can_walk_on: bool
    can_stack: bool
    rotations: list[int]


class TradePiece(_Part):
    id: int
    name: str
    limited: int | None = Field(description="a limited edition's number")
    item: ItemView


class TradeState(_Part):
    """To both traders, after every change of their trade."""

    type: Literal["trade"] = "trade"
    trade: str
    users: tuple[int, int]
    names: tuple[str, str]
    offers: tuple[list[TradePiece], list[TradePiece]] = Field(description="each player's side, as `users`")
    accepted: tuple[bool, bool]
    confirmed: tuple[bool, bool]
    stage: Literal["offer", "confirm"] = Field(description="`confirm` once both accepted")
    revision: int = Field(description="one more after each change of a side or clearing of the accepts")


class TradeClosed(_Part):
    type: Literal["trade_closed"] = "trade_closed"
    trade: str
    reason: Literal["cancelled", "left", "completing"]
    message: str


class Error(_Part):
    type: Literal["error"] = "error"
    code: str
    message: str


# What a room broadcasts to all its sockets (rooms.fanout); the rest go to one socket.
RoomFrame = (
    UserEntered | UserLeft | Walk | Wave | Dance | LookChanged | Chat | FurniAdded | FurniMoved | FurniRemoved
    | RightsChanged | RoomUpdated | Doorbell | DoorbellAnswered
)


class Batch(_Part):
    """A busy room's broadcasts of one tick, sent as one message (rooms.fanout)."""

    type: Literal["batch"] = "batch"
    frames: list[Annotated[RoomFrame, Field(union_mode="left_to_right")]] = Field(
        description="room frames, each as it would be sent alone, in the order they happened"
    )


Frame = (
    Snapshot | UserEntered | UserLeft | Walk | Wave | Dance | LookChanged | WhisperLine | Chat | FurniAdded
    | FurniMoved | FurniRemoved | RightsChanged | RoomUpdated | Doorbell | DoorbellAnswered | TradeState | TradeClosed | Error | Batch
)
FRAMES = (
    Snapshot, UserEntered, UserLeft, Walk, Wave, Dance, LookChanged, Chat, WhisperLine, FurniAdded, FurniMoved,
    FurniRemoved, RightsChanged, RoomUpdated, Doorbell, DoorbellAnswered, TradeState, TradeClosed, Error, Batch,
)
# For tests and tools that read frames back.
AnyFrame = TypeAdapter(Annotated[Frame, Field(union_mode="left_to_right")])


def frame_text(frame: Frame) -> str:
    """A frame as the socket sends it (and as rooms.fanout publishes it):
    compact JSON, straight from pydantic's core (half the CPU of a dict
    through orjson for a room's snapshot)."""
    return frame.model_dump_json()


def batch_text(texts: list[str]) -> str:
    """A Batch of frames already encoded by frame_text, without decoding them again."""
    return '{"type":"batch","frames":[' + ",".join(texts) + "]}"
