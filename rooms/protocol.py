"""The room socket's client → server messages, declared once (docs/protocol.md).

Strict: a value must already have its JSON type ("x": "1" is refused, not
converted), so what a client sends is exactly what the server acted on.
"""

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chat.events import ChatText
from rooms.events import MAX_TRADE_PIECES, Rotation
from rooms.floorplan import MAX_SIDE


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Walk(_Message):
    """Go to a tile; one outside the floor plan (or unreachable) walks to the nearest reachable tile."""

    type: Literal["walk"]
    x: int = Field(ge=0, lt=MAX_SIDE, description="the target tile's column")
    y: int = Field(ge=0, lt=MAX_SIDE, description="the target tile's row")


class Say(_Message):
    """A chat line for everyone in the room."""

    type: Literal["say"]
    text: ChatText


class Shout(_Message):
    """A chat line for everyone in the room, shown louder."""

    type: Literal["shout"]
    text: ChatText


class Whisper(_Message):
    """A chat line only the speaker and `to` see."""

    type: Literal["whisper"]
    to: str = Field(min_length=1, max_length=150, description="a player in this room, by name (not case-sensitive)")
    text: ChatText


class Wave(_Message):
    """Wave at the room."""

    type: Literal["wave"]


FurniId = Annotated[int, Field(gt=0, description="a piece's id")]


class _Placing(_Message):
    type: str
    furni: FurniId
    x: int = Field(ge=0, lt=MAX_SIDE)
    y: int = Field(ge=0, lt=MAX_SIDE)
    rotation: Rotation


class Place(_Placing):
    """Put a piece from your inventory into the room; `x`, `y` is its first tile (lowest column and row)."""

    type: Literal["place"]


class Move(_Placing):
    """Move or turn a piece in the room (the same `x`, `y` and another `rotation` turns it)."""

    type: Literal["move"]


class Pickup(_Message):
    """A piece back to its owner's inventory: your own, or (the room's owner) anyone's."""

    type: Literal["pickup"]
    furni: FurniId


class Rights(_Message):
    """The room's owner gives a player rights to furnish the room, or takes them."""

    type: Literal["rights"]
    user: int = Field(gt=0, description="the player's id")
    granted: bool


class TradeOpen(_Message):
    """Open a trade with a player in this room."""

    type: Literal["trade_open"]
    user: int = Field(gt=0, description="the player's id")


class TradeOffer(_Message):
    """Your whole side of the trade: pieces from your inventory."""

    type: Literal["trade_offer"]
    furni: list[FurniId] = Field(max_length=MAX_TRADE_PIECES)


class _TradeStep(_Message):
    """Names the trade as the player saw it: refused if it changed since."""

    trade: str = Field(min_length=1, max_length=36, description="the trade's id (the `trade` frame's `trade`)")
    revision: int = Field(ge=0, description="the `trade` frame's `revision` the player saw")


class TradeAccept(_TradeStep):
    """Accept the trade as it stands (or take the accept back)."""

    type: Literal["trade_accept"]
    accepted: bool


class TradeConfirm(_TradeStep):
    """The second step, once both accepted."""

    type: Literal["trade_confirm"]


class TradeCancel(_Message):
    type: Literal["trade_cancel"]


CLIENT_MESSAGES = (
    Walk, Say, Shout, Whisper, Wave, Place, Move, Pickup, Rights, TradeOpen, TradeOffer, TradeAccept, TradeConfirm,
    TradeCancel,
)
ClientMessage = TypeAdapter(Annotated[Union[CLIENT_MESSAGES], Field(discriminator="type")])
