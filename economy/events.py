"""Economy events. Everything that changes a player's credits is on the
purchases topic keyed by that player, so one wallet's changes apply in order;
a completed purchase is also told as a fact on item-purchases."""

import uuid
from typing import Literal

from pydantic import Field, model_validator

from economy.models import MAX_PRICE, MAX_QUANTITY
from habbo.bus.events import Event
from habbo.bus.topics import ITEM_PURCHASES, PURCHASES
from habbo.text import PlainText

GIFT_NOTE_MAX = 300
MAX_GRANT = 100_000
GiftNote = PlainText(GIFT_NOTE_MAX, min_length=0)
GrantNote = PlainText(200, min_length=0)


class PurchaseRequested(Event):
    """The buyer clicked Buy (the actor is the buyer). Applied by the economy
    consumer: checked, paid for and delivered in one transaction, or refused."""

    TYPE = "purchase.requested"
    TOPIC = PURCHASES

    purchase: uuid.UUID = Field(description="the idempotency key the client made for this click")
    buyer_id: int = Field(gt=0)
    offer_id: int = Field(gt=0)
    quantity: int = Field(ge=1, le=MAX_QUANTITY, description="how many times the offer (each gives its `amount` pieces)")
    unit_price: int = Field(ge=1, le=MAX_PRICE, description="the offer's price the buyer was shown")
    recipient_id: int | None = Field(default=None, gt=0, description="a gift's recipient: a friend of the buyer")
    note: GiftNote = Field(default="", description="a gift's note")

    @model_validator(mode="after")
    def _gift(self):
        if self.recipient_id == self.buyer_id:
            raise ValueError("a gift is for someone else")
        if self.note and self.recipient_id is None:
            raise ValueError("only a gift has a note")
        return self

    def key(self) -> str:
        return str(self.buyer_id)


class CreditsGranted(Event):
    """Credits given to a player: the daily login bonus (the actor is the
    player) or a staff grant (the actor is a staff member)."""

    TYPE = "credits.granted"
    TOPIC = PURCHASES

    op: str = Field(
        pattern=r"^(daily:\d+:\d{4}-\d{2}-\d{2}|staff:[0-9a-f-]{36})$",
        description="the operation, once per ledger: `daily:<user>:<date>` or `staff:<uuid>`",
    )
    user_id: int = Field(gt=0)
    amount: int = Field(ge=1, le=MAX_GRANT)
    reason: Literal["daily", "staff"]
    note: GrantNote = ""

    @model_validator(mode="after")
    def _op_matches(self):
        if not self.op.startswith(f"{self.reason}:"):
            raise ValueError("the op names the reason")
        if self.reason == "daily" and not self.op.startswith(f"daily:{self.user_id}:"):
            raise ValueError("a daily bonus op names its player")
        return self

    def key(self) -> str:
        return str(self.user_id)


class ItemPurchased(Event):
    """A purchase was completed (published by the economy consumer once its
    transaction committed; its id is fixed per purchase, so a second
    publication is applied once)."""

    TYPE = "item.purchased"
    TOPIC = ITEM_PURCHASES

    purchase: uuid.UUID
    buyer_id: int = Field(gt=0)
    offer_id: int = Field(gt=0)
    item_id: int = Field(gt=0)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    pieces: int = Field(ge=1)
    total: int = Field(ge=1)
    recipient_id: int | None = Field(default=None, gt=0)

    def key(self) -> str:
        return str(self.offer_id)
