"""The room socket's client → server messages, declared once (docs/protocol.md).

Strict: a value must already have its JSON type ("x": "1" is refused, not
converted), so what a client sends is exactly what the server acted on.
"""

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chat.events import ChatText
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


CLIENT_MESSAGES = (Walk, Say, Shout, Whisper, Wave)
ClientMessage = TypeAdapter(Annotated[Union[CLIENT_MESSAGES], Field(discriminator="type")])
