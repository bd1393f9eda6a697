"""Trading between two players in a room: the negotiation is live state in
Redis (any web process serves either player), the swap one durable event.

    live:trade:<id>        JSON  the trade (TradeState below)
    live:trading:<user>    the id of the player's one open trade

Each change reads the trade, applies one of TradeState's rules and writes it
back in a WATCH/MULTI transaction, so two changes at once (two confirms on
two processes) never both pass on the same state: the loser retries on the
new one. Any change of a side clears both accepts and confirms, so a stale
"confirmed" can never complete a trade whose side was emptied. Once both
confirmed, the trade is `closing` and takes no change; trade.agreed carries
the two sides exactly as confirmed, with an event id made from the trade's,
so however often it is published it is swapped once (rooms.furnishing,
which also checks every piece is still its giver's).
"""

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import orjson
from channels.db import database_sync_to_async
from redis.exceptions import WatchError

from habbo.bus.producer import apublish_envelope
from habbo.redis import redis
from rooms.events import MAX_TRADE_PIECES, TradeAgreed
from rooms.frames import TradeClosed, TradePiece, TradeState as TradeFrame
from rooms.models import Furni
from rooms.selectors import item_view, limited_number

TRADE_TTL_S = 3600  # a trade nobody touches for an hour (its process died) is forgotten
SWAP_IDS = uuid.UUID("8d3c1f6e-2b7a-4e59-a1d4-5f0e9c2b7a13")

REFUSALS = {
    "not_here": "That player is not in this room.",
    "busy": "One of you is already trading.",
    "no_trade": "You are not trading.",
    "not_yours": "You can only offer pieces from your own inventory.",
    "too_many": f"A side holds at most {MAX_TRADE_PIECES} pieces.",
    "wrong_stage": "The trade cannot change now.",
    "empty_trade": "Put something in the trade first.",
    "unavailable": "The trade could not be completed; nothing changed hands. Confirm again.",
}


class TradeRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = REFUSALS[code]


@dataclass(frozen=True)
class TradeState:
    id: str
    room: str
    users: tuple[int, int]
    names: tuple[str, str]
    channels: tuple[str, str]  # each player's room socket
    offers: tuple[tuple[dict, ...], tuple[dict, ...]] = ((), ())  # TradePiece fields
    accepted: tuple[bool, bool] = (False, False)
    confirmed: tuple[bool, bool] = (False, False)
    stage: Literal["offer", "confirm", "closing"] = "offer"

    def side(self, user_id: int) -> int:
        return self.users.index(user_id)

    def offer(self, user_id: int, pieces: list[dict]) -> "TradeState":
        """A new side: both accepts and confirms cleared, back to `offer`."""
        self._changeable()
        offers = list(self.offers)
        offers[self.side(user_id)] = tuple(pieces)
        return replace(self, offers=tuple(offers), accepted=(False, False), confirmed=(False, False), stage="offer")

    def accept(self, user_id: int, accepted: bool) -> "TradeState":
        self._changeable()
        if not accepted:  # taking an accept back is a change: everything again
            return replace(self, accepted=(False, False), confirmed=(False, False), stage="offer")
        if not any(self.offers):
            raise TradeRefused("empty_trade")
        flags = list(self.accepted)
        flags[self.side(user_id)] = True
        return replace(self, accepted=tuple(flags), stage="confirm" if all(flags) else "offer")

    def confirm(self, user_id: int) -> "TradeState":
        if self.stage != "confirm":
            raise TradeRefused("wrong_stage")
        flags = list(self.confirmed)
        flags[self.side(user_id)] = True
        return replace(self, confirmed=tuple(flags), stage="closing" if all(flags) else "confirm")

    def reopened(self) -> "TradeState":
        """After a swap that could not be published: as before, unconfirmed."""
        return replace(self, accepted=(False, False), confirmed=(False, False), stage="offer")

    def _changeable(self) -> None:
        if self.stage == "closing":
            raise TradeRefused("wrong_stage")

    def frame(self) -> TradeFrame:
        return TradeFrame(
            trade=self.id, users=self.users, names=self.names,
            offers=tuple([TradePiece.model_validate(p) for p in side] for side in self.offers),
            accepted=self.accepted, confirmed=self.confirmed, stage="confirm" if self.stage == "closing" else self.stage,
        )

    def agreed(self) -> TradeAgreed:
        return TradeAgreed(
            room_id=uuid.UUID(self.room), trade_id=uuid.UUID(self.id), users=self.users,
            offers=tuple([p["id"] for p in side] for side in self.offers),
        )

    def to_json(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def from_json(cls, raw: str) -> "TradeState":
        data = orjson.loads(raw)
        for name in ("users", "names", "channels", "accepted", "confirmed"):
            data[name] = tuple(data[name])
        data["offers"] = tuple(tuple(side) for side in data["offers"])
        return cls(**data)


@dataclass(frozen=True)
class Trader:
    """One side of a new trade: a player in the room and their socket."""

    id: int
    name: str
    channel: str = field(repr=False)


def trade_key(trade_id: str) -> str:
    return f"live:trade:{trade_id}"


def trading_key(user_id: int) -> str:
    return f"live:trading:{user_id}"


async def open_trade(room_id, me: Trader, other: Trader) -> TradeState:
    """A new trade, unless either player is trading already (busy)."""
    trade = TradeState(
        id=str(uuid.uuid4()), room=str(room_id), users=(me.id, other.id), names=(me.name, other.name),
        channels=(me.channel, other.channel),
    )
    keys = [trading_key(me.id), trading_key(other.id)]
    async with redis().pipeline(transaction=True) as pipe:
        await pipe.watch(*keys)
        if any(await pipe.mget(keys)):
            raise TradeRefused("busy")
        pipe.multi()
        pipe.set(trade_key(trade.id), trade.to_json(), ex=TRADE_TTL_S)
        for key in keys:
            pipe.set(key, trade.id, ex=TRADE_TTL_S)
        try:
            await pipe.execute()
        except WatchError:  # one of them started a trade at the same moment
            raise TradeRefused("busy") from None
    return trade


async def current(user_id: int) -> TradeState | None:
    trade_id = await redis().get(trading_key(user_id))
    raw = await redis().get(trade_key(trade_id)) if trade_id else None
    return TradeState.from_json(raw) if raw else None


async def change(user_id: int, rule: Callable[[TradeState], TradeState]) -> TradeState:
    """Apply `rule` to the player's trade atomically (retried if the trade
    changed meanwhile); raises TradeRefused."""
    trade_id = await redis().get(trading_key(user_id))
    if not trade_id:
        raise TradeRefused("no_trade")
    key = trade_key(trade_id)
    while True:
        async with redis().pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            raw = await pipe.get(key)
            if raw is None:
                raise TradeRefused("no_trade")
            changed = rule(TradeState.from_json(raw))
            pipe.multi()
            pipe.set(key, changed.to_json(), ex=TRADE_TTL_S)
            try:
                await pipe.execute()
                return changed
            except WatchError:
                continue


async def close(trade: TradeState, *, unless_closing: bool = False) -> bool:
    """Forget the trade; with `unless_closing`, not one both confirmed
    (its swap is on its way and its outcome still to come). True if closed."""
    key = trade_key(trade.id)
    async with redis().pipeline(transaction=True) as pipe:
        await pipe.watch(key)
        raw = await pipe.get(key)
        if raw is None or (unless_closing and TradeState.from_json(raw).stage == "closing"):
            return False
        pipe.multi()
        pipe.delete(key, *(trading_key(u) for u in trade.users))
        try:
            await pipe.execute()
        except WatchError:
            return False
    return True


async def publish_swap(trade: TradeState, *, actor: int) -> None:
    """trade.agreed, with the id made from the trade's; raises EventBusUnavailable."""
    agreed = trade.agreed()
    envelope = agreed.envelope(actor=actor, id=uuid.uuid5(SWAP_IDS, trade.id))
    await apublish_envelope(agreed.TOPIC.full_name, envelope)


@database_sync_to_async
def offered_pieces(user_id: int, furni_ids: list[int]) -> list[dict]:
    """The pieces as the trade shows them, each the player's and in their
    inventory (not placed), in the order given; raises TradeRefused."""
    if len(set(furni_ids)) != len(furni_ids):
        raise TradeRefused("not_yours")
    found = Furni.objects.filter(pk__in=furni_ids, owner_id=user_id, room__isnull=True).select_related("item", "limited")
    pieces = {f.pk: f for f in found}
    if len(pieces) != len(furni_ids):
        raise TradeRefused("not_yours")
    return [
        TradePiece(id=f.pk, name=f.item.name, limited=limited_number(f), item=item_view(f.item)).model_dump(mode="json")
        for f in (pieces[i] for i in furni_ids)
    ]


def closed_frame(trade: TradeState, reason: str, message: str) -> TradeClosed:
    return TradeClosed(trade=trade.id, reason=reason, message=message)
