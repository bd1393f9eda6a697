"""The economy's notices to a player's open pages (habbo.bus.push.Notice)."""

import uuid
from typing import Literal

from pydantic import Field

from habbo.bus.push import Notice
from rooms.pushes import FurniCard

REFUSALS = {
    "not_enough_credits": "You do not have enough credits for that.",
    "sold_out": "Sold out: every piece of that limited edition has gone.",
    "limit_reached": "You have bought as many of those as one player may.",
    "offer_gone": "That offer is no longer in the catalogue.",
    "price_changed": "The price changed since you looked; check it and buy again.",
    "balance_too_high": "That would take the recipient's credits over the most anyone may hold.",
    "not_friends": "You can only send gifts to your friends.",
}
RefusalReason = Literal[tuple(REFUSALS)]


class PurchaseCompleted(Notice):
    """To the buyer's pages: paid and delivered."""

    KIND = "purchase.completed"
    purchase: uuid.UUID = Field(description="the click's key")
    offer: int
    balance: int = Field(description="the buyer's credits now")
    spent: int
    items: list[FurniCard] = Field(description="the pieces, in the buyer's inventory (empty for a gift)")
    gift_to: str | None = Field(default=None, description="a gift's recipient, by name")


class PurchaseRefused(Notice):
    """To the buyer's pages: nothing was paid, nothing delivered."""

    KIND = "purchase.refused"
    purchase: uuid.UUID
    offer: int
    reason: RefusalReason
    message: str = Field(description="for the player")


class CreditsChanged(Notice):
    """To the player's pages: credits granted (daily bonus, staff)."""

    KIND = "credits.changed"
    balance: int
    amount: int
    reason: Literal["daily", "staff"]
    note: str


class GiftReceived(Notice):
    """To the recipient's pages: now if online, else when a page next opens."""

    KIND = "gift.received"
    gift: int
    sender: str = Field(alias="from")
    note: str
    items: list[FurniCard]
