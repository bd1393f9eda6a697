"""The rooms app's notices to a player's pages (habbo.bus.push.Notice)."""

from pydantic import BaseModel, ConfigDict

from habbo.bus.push import Notice


class RoomCard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    url: str


class RoomCreated(Notice):
    """A room this player asked for now exists."""

    KIND = "room.created"
    room: RoomCard
