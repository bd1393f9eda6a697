"""The rooms app's notices to a player's pages (habbo.bus.push.Notice)."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from habbo.bus.push import Notice
from rooms.placement import REFUSALS


class RoomCard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    url: str


class RoomCreated(Notice):
    """A room this player asked for now exists."""

    KIND = "room.created"
    room: RoomCard


class RoomSettingsSaved(Notice):
    """The owner's new settings for a room are applied."""

    KIND = "room.settings_saved"
    room: RoomCard


class DoorbellAnswer(Notice):
    """Someone with rights answered this player's ring at a room's door."""

    KIND = "doorbell.answered"
    room: RoomCard
    let_in: bool = Field(description="true: the visitor may enter, and come back, until 15 minutes after their last entry")


class FurniCard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(description="this piece's id (for placing and trading it)")
    item: int = Field(description="the kind of furniture (catalogue item id)")
    name: str
    limited: int | None = Field(default=None, description="a limited edition's number")


class InventoryChanged(Notice):
    """Pieces came into the player's inventory or left it (placed, picked up, ejected, traded)."""

    KIND = "inventory.changed"
    added: list[FurniCard]
    removed: list[int] = Field(description="piece ids")


class FurniRefused(Notice):
    """To the player whose furniture action the furniture consumer refused:
    the room changed between the click and the action (someone took the tile)."""

    KIND = "furni.refused"
    furni: int
    action: Literal["place", "move", "pickup"]
    reason: Literal[tuple(REFUSALS)]
    message: str = Field(description="for the player")


class TradeCompleted(Notice):
    """To both traders: the swap was applied."""

    KIND = "trade.completed"
    trade: uuid.UUID
    with_: str = Field(alias="with", description="the other player's name")
    received: list[FurniCard]
    given: list[FurniCard]


class TradeRefused(Notice):
    """To both traders: nothing changed hands."""

    KIND = "trade.refused"
    trade: uuid.UUID
    reason: Literal["items_changed"]
    message: str
