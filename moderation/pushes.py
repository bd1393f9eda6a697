"""The moderation app's notices to a player's pages (habbo.bus.push.Notice)."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from habbo.bus.push import Notice


class Alerted(Notice):
    """A moderator's alert: shown in a box the player must close."""

    KIND = "moderation.alert"
    id: str = Field(description="the alert's id: POST /moderation/alerts/<id>/seen once the player closed it")
    message: str


class Sanctioned(Notice):
    """The player was muted or trade-locked (a kick or a ban closes their sockets instead)."""

    KIND = "moderation.sanctioned"
    sanction: Literal["mute", "trade_lock"]
    until: datetime
    reason: str
    message: str = Field(description="the sentence to show")


class Lifted(Notice):
    """A mute or trade lock was lifted early."""

    KIND = "moderation.lifted"
    sanction: Literal["mute", "trade_lock"]
    message: str


class TicketAnswered(Notice):
    """A moderator closed this player's call for help."""

    KIND = "help.closed"
    ticket_id: str
    outcome: Literal["resolved", "useless", "abusive"]
    message: str
