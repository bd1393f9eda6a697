"""The room socket's client → server messages, declared once (docs/protocol.md)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chat.events import ChatText
from rooms.floorplan import MAX_SIDE


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Walk(_Message):
    type: Literal["walk"]
    x: int = Field(ge=0, lt=MAX_SIDE)
    y: int = Field(ge=0, lt=MAX_SIDE)


class Say(_Message):
    type: Literal["say"]
    text: ChatText


class Shout(_Message):
    type: Literal["shout"]
    text: ChatText


class Whisper(_Message):
    type: Literal["whisper"]
    to: str = Field(min_length=1, max_length=150)
    text: ChatText


class Wave(_Message):
    type: Literal["wave"]


ClientMessage = TypeAdapter(Annotated[Walk | Say | Shout | Whisper | Wave, Field(discriminator="type")])
