"""The room socket's client → server messages, declared once (docs/protocol.md).

Strict: a value must already have its JSON type ("x": "1" is refused, not
converted), so what a client sends is exactly what the server acted on. Each
message says, in `refusals`, what the player reads when a field is refused.
"""

from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chat.events import CHAT_TEXT_REFUSAL, ChatText
from habbo.refusals import sentence
from rooms.events import MAX_TRADE_PIECES, Rotation
from rooms.floorplan import MAX_SIDE


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    # Field → the sentence the player reads when it is refused (habbo.refusals).
    refusals: ClassVar[dict[str, str]] = {}


class Walk(_Message):
    """Go to a tile; one outside the floor plan (or unreachable) walks to the nearest reachable tile."""

    type: Literal["walk"]
    x: int = Field(ge=0, lt=MAX_SIDE, description="the target tile's column")
    y: int = Field(ge=0, lt=MAX_SIDE, description="the target tile's row")
    refusals = {"x": "You can only walk to a tile of the room.", "y": "You can only walk to a tile of the room."}


class Say(_Message):
    """A chat line for everyone in the room."""

    type: Literal["say"]
    text: ChatText
    refusals = {"text": CHAT_TEXT_REFUSAL}


class Shout(_Message):
    """A chat line for everyone in the room, shown louder."""

    type: Literal["shout"]
    text: ChatText
    refusals = {"text": CHAT_TEXT_REFUSAL}


class Whisper(_Message):
    """A chat line only the speaker and `to` see."""

    type: Literal["whisper"]
    to: str = Field(min_length=1, max_length=150, description="a player in this room, by name (not case-sensitive)")
    text: ChatText
    refusals = {"to": "Type the name of the player in this room to whisper to.", "text": CHAT_TEXT_REFUSAL}


class Wave(_Message):
    """Wave at the room."""

    type: Literal["wave"]


class Dance(_Message):
    """Dance until you walk, or stop dancing."""

    type: Literal["dance"]
    style: int = Field(ge=0, le=4, description="0 stops dancing, 1-4 picks a dance")
    refusals = {"style": "Pick one of the dances."}


FurniId = Annotated[int, Field(gt=0, description="a piece's id")]
PICK_A_PIECE = "Pick a piece of furniture first."


class _Placing(_Message):
    type: str
    furni: FurniId
    x: int = Field(ge=0, lt=MAX_SIDE)
    y: int = Field(ge=0, lt=MAX_SIDE)
    rotation: Rotation
    refusals = {
        "furni": PICK_A_PIECE, "x": "That piece cannot go there.", "y": "That piece cannot go there.",
        "rotation": "That piece cannot turn that way.",
    }


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
    refusals = {"furni": PICK_A_PIECE}


class Rights(_Message):
    """The room's owner gives a player rights to furnish the room, or takes them."""

    type: Literal["rights"]
    user: int = Field(gt=0, description="the player's id")
    granted: bool
    refusals = {"user": "Pick a player in this room.", "granted": "Choose to give rights or to take them."}


class DoorbellAnswer(_Message):
    """Someone with rights in the room lets a visitor who rang in, or not."""

    type: Literal["doorbell_answer"]
    user: int = Field(gt=0, description="the visitor who rang")
    let_in: bool
    refusals = {"user": "Pick the visitor at the door.", "let_in": "Choose to let them in or not."}


class TradeOpen(_Message):
    """Open a trade with a player in this room."""

    type: Literal["trade_open"]
    user: int = Field(gt=0, description="the player's id")
    refusals = {"user": "Pick a player in this room to trade with."}


class TradeOffer(_Message):
    """Your whole side of the trade: pieces from your inventory."""

    type: Literal["trade_offer"]
    furni: list[FurniId] = Field(max_length=MAX_TRADE_PIECES)
    refusals = {"furni": f"Offer up to {MAX_TRADE_PIECES} pieces from your inventory."}


class _TradeStep(_Message):
    """Names the trade as the player saw it: refused if it changed since."""

    trade: str = Field(min_length=1, max_length=36, description="the trade's id (the `trade` frame's `trade`)")
    revision: int = Field(ge=0, description="the `trade` frame's `revision` the player saw")
    refusals = {
        "trade": "The trade has changed; look at it again.", "revision": "The trade has changed; look at it again.",
    }


class TradeAccept(_TradeStep):
    """Accept the trade as it stands (or take the accept back)."""

    type: Literal["trade_accept"]
    accepted: bool
    refusals = _TradeStep.refusals | {"accepted": "Choose to accept the trade or not."}


class TradeConfirm(_TradeStep):
    """The second step, once both accepted."""

    type: Literal["trade_confirm"]


class TradeCancel(_Message):
    type: Literal["trade_cancel"]


CLIENT_MESSAGES = (
    Walk, Say, Shout, Whisper, Wave, Dance, Place, Move, Pickup, Rights, DoorbellAnswer, TradeOpen, TradeOffer,
    TradeAccept, TradeConfirm, TradeCancel,
)
ClientMessage = TypeAdapter(Annotated[Union[CLIENT_MESSAGES], Field(discriminator="type")])
_BY_TYPE = {get_args(message.model_fields["type"].annotation)[0]: message for message in CLIENT_MESSAGES}


def refusal(exc: ValidationError) -> str:
    """What the player reads when ClientMessage refused a message: its first
    error, in the words of the message's `refusals` (an error's `loc` starts
    with the message's `type`)."""
    error = exc.errors()[0]
    message = _BY_TYPE.get(error["loc"][0]) if error["loc"] else None
    return sentence(error, message.refusals if message else {}, field_at=1)
