"""Events on the moderation topic (key: the target: a player's id, a room's
id, a ticket's id). The ticket's own report, help.reported, is habbo.reports'."""

import uuid
from typing import Literal

from pydantic import Field, model_validator

from habbo.bus.events import Event
from habbo.bus.topics import MODERATION
from habbo.text import PlainText

REASON_MAX = 200
Reason = PlainText(REASON_MAX)
MINUTES_MAX = 366 * 24 * 60  # a year; longer is a ban for good
TIMED = {"mute", "ban", "trade_lock"}


class PlayerSanctioned(Event):
    """A moderator alerted, kicked, muted, banned or trade-locked a player, or
    gave the next step of the default sanctions (`next`: chosen when applied,
    from the player's history, so two at once take two steps)."""

    TYPE = "moderation.sanctioned"
    TOPIC = MODERATION

    target_id: int = Field(gt=0)
    kind: Literal["alert", "kick", "mute", "ban", "trade_lock", "next"]
    minutes: int | None = Field(
        default=None, ge=1, le=MINUTES_MAX,
        description="how long a mute, ban or trade lock lasts; null for a ban: for good",
    )
    reason: Reason
    room_id: uuid.UUID | None = Field(default=None, description="a kick: the room the player is sent out of")

    @model_validator(mode="after")
    def _duration_fits(self) -> "PlayerSanctioned":
        if self.kind in {"mute", "trade_lock"} and self.minutes is None:
            raise ValueError(f"a {self.kind} lasts some minutes")
        if self.kind not in TIMED and self.minutes is not None:
            raise ValueError(f"a {self.kind} has no duration")
        return self

    def key(self) -> str:
        return str(self.target_id)


class SanctionLifted(Event):
    """A moderator lifted a player's mute, ban or trade lock before its end."""

    TYPE = "moderation.lifted"
    TOPIC = MODERATION

    target_id: int = Field(gt=0)
    kind: Literal["mute", "ban", "trade_lock"]
    reason: Reason

    def key(self) -> str:
        return str(self.target_id)


class RoomModerated(Event):
    """A moderator sent everyone out of a room (but staff and its owner),
    locked it, or renamed it as inappropriate."""

    TYPE = "moderation.room_action"
    TOPIC = MODERATION

    room_id: uuid.UUID
    action: Literal["kick_all", "lock", "rename"]
    reason: Reason

    def key(self) -> str:
        return str(self.room_id)


class TicketPicked(Event):
    """A moderator took a ticket from the queue."""

    TYPE = "help.picked"
    TOPIC = MODERATION

    ticket_id: uuid.UUID

    def key(self) -> str:
        return str(self.ticket_id)


class TicketClosed(Event):
    """A moderator closed a ticket; the reporter is told the outcome."""

    TYPE = "help.closed"
    TOPIC = MODERATION

    ticket_id: uuid.UUID
    outcome: Literal["resolved", "useless", "abusive"]
    note: PlainText(REASON_MAX, min_length=0) = Field(default="", description="what the reporter is told")

    def key(self) -> str:
        return str(self.ticket_id)
