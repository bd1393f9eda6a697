"""Trading between two players in a room: the negotiation is live state in
Redis (any web process serves either player), the swap one durable event.

    live:trade:{trades:all}:<id>        JSON  the trade (TradeState below)
    live:trading:{trades:all}:<user>    the id of the player's one open trade

Each change reads the trade, applies one of TradeState's rules and writes it
back in a WATCH/MULTI transaction, so two changes at once (two confirms on
two processes) never both pass on the same state: the loser retries on the
new one. Any change of a side clears both accepts and confirms and moves the
trade's revision on; an accept or confirm names the revision its player saw,
so one that crossed a change (a side emptied meanwhile) is refused instead
of agreeing to what the player never saw. Once both confirmed, the trade is
`closing` with a swap id of its own and takes no change; trade.agreed
carries the two sides exactly as confirmed, with an event id made from the
swap's, so however often it is published it is swapped once
(rooms.furnishing, which also checks every piece is still its giver's). If
the swap cannot be published, the trade goes back to its first step under a
new swap id the next time: a swap Kafka took after all is then applied once,
and the new one on its own.
"""

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import orjson
from channels.db import database_sync_to_async
from redis.exceptions import WatchError

from habbo.bus.producer import apublish_envelope
from habbo.redis import redis, tag
from rooms.events import TradeAgreed
from rooms.frames import TradeClosed, TradePiece, TradeState as TradeFrame
from rooms.models import Furni
from rooms.selectors import item_view, limited_number

TRADE_TTL_S = 3600  # a trade nobody touches for an hour (its process died) is forgotten
CLOSING_TTL_S = 60  # a trade both confirmed whose process died before forgetting it frees its players this soon
SWAP_IDS = uuid.UUID("8d3c1f6e-2b7a-4e59-a1d4-5f0e9c2b7a13")

REFUSALS = {
    "not_here": "That player is not in this room.",
    "busy": "One of you is already trading.",
    "trade_locked": "A moderator has locked you out of trading for now.",
    "partner_locked": "That player cannot trade for now.",
    "no_trade": "You are not trading.",
    "not_yours": "You can only offer pieces from your own inventory.",
    "wrong_stage": "The trade cannot change now.",
    "changed": "The trade changed just before your click: check it again.",
    "empty_trade": "Put something in the trade first.",
    "items_changed": "A piece in the trade is no longer there to give; it was taken out. Check the trade again.",
    "unavailable": "The swap did not go through in time; confirm again. (Should it have reached the hotel after all, "
    "you will be told it is done.)",
}


class TradeNotAllowed(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = REFUSALS[code]


class PiecesGone(TradeNotAllowed):
    """Pieces of a trade both confirmed are no longer their givers' to give."""

    def __init__(self, gone: set[int]):
        super().__init__("items_changed")
        self.gone = gone


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
    revision: int = 0  # one more for each change of a side or clearing of the accepts
    swap: str | None = None  # while closing: the id of the swap published

    def side(self, user_id: int) -> int:
        return self.users.index(user_id)

    def offer(self, user_id: int, pieces: list[dict]) -> "TradeState":
        """A new side: both accepts and confirms cleared, back to `offer`."""
        self._changeable()
        offers = list(self.offers)
        offers[self.side(user_id)] = tuple(pieces)
        return self._cleared(offers=tuple(offers))

    def accept(self, user_id: int, accepted: bool, *, seen: tuple[str, int]) -> "TradeState":
        """`seen`: the trade id and revision the player accepted (or took the accept back) on."""
        self._changeable()
        self._as_seen(seen)
        if not accepted:  # taking an accept back is a change: everything again
            return self._cleared()
        if not any(self.offers):
            raise TradeNotAllowed("empty_trade")
        flags = list(self.accepted)
        flags[self.side(user_id)] = True
        return replace(self, accepted=tuple(flags), stage="confirm" if all(flags) else "offer")

    def confirm(self, user_id: int, *, seen: tuple[str, int]) -> "TradeState":
        """The second confirm closes the trade under a new swap id."""
        if self.stage != "confirm":
            raise TradeNotAllowed("wrong_stage")
        self._as_seen(seen)
        flags = list(self.confirmed)
        flags[self.side(user_id)] = True
        if not all(flags):
            return replace(self, confirmed=tuple(flags))
        return replace(self, confirmed=tuple(flags), stage="closing", swap=str(uuid.uuid4()))

    def reopened(self, swap: str, gone: frozenset[int] = frozenset()) -> "TradeState":
        """After swap `swap` could not be published: back to the first step,
        without the pieces that are gone. Any other state is left as it is."""
        if self.stage != "closing" or self.swap != swap:
            return self
        offers = tuple(tuple(p for p in side if p["id"] not in gone) for side in self.offers)
        return self._cleared(offers=offers)

    def _cleared(self, **changes) -> "TradeState":
        return replace(
            self, accepted=(False, False), confirmed=(False, False), stage="offer", swap=None,
            revision=self.revision + 1, **changes,
        )

    def _as_seen(self, seen: tuple[str, int]) -> None:
        if seen != (self.id, self.revision):
            raise TradeNotAllowed("changed")

    def _changeable(self) -> None:
        if self.stage == "closing":
            raise TradeNotAllowed("wrong_stage")

    def frame(self) -> TradeFrame:
        return TradeFrame(
            trade=self.id, users=self.users, names=self.names,
            offers=tuple([TradePiece.model_validate(p) for p in side] for side in self.offers),
            accepted=self.accepted, confirmed=self.confirmed, stage="confirm" if self.stage == "closing" else self.stage,
            revision=self.revision,
        )

    def agreed(self) -> TradeAgreed:
        """The swap of a closing trade; its trade_id is the swap's id."""
        return TradeAgreed(
            room_id=uuid.UUID(self.room), trade_id=uuid.UUID(self.swap), users=self.users,
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


# Every trade key under one hash tag: a trade's transactions touch the trade
# and both players' keys, which on a Redis Cluster must share a slot, and a
# player's key is found before the trade is. Trades are rare and small, so one
# slot (one master) holds them all.
TRADES = tag("trades", "all")


def trade_key(trade_id: str) -> str:
    return f"live:trade:{TRADES}:{trade_id}"


def trading_key(user_id: int) -> str:
    return f"live:trading:{TRADES}:{user_id}"


async def open_trade(room_id, me: Trader, other: Trader) -> TradeState:
    """A new trade, unless either player is trading already (busy)."""
    trade = TradeState(
        id=str(uuid.uuid4()), room=str(room_id), users=(me.id, other.id), names=(me.name, other.name),
        channels=(me.channel, other.channel),
    )
    keys = [trading_key(me.id), trading_key(other.id)]
    async with redis().pipeline(transaction=True) as pipe:
        await pipe.watch(*keys)
        # One GET each: a cluster's pipeline has no MGET.
        if any([await pipe.get(key) for key in keys]):
            raise TradeNotAllowed("busy")
        pipe.multi()
        pipe.set(trade_key(trade.id), trade.to_json(), ex=TRADE_TTL_S)
        for key in keys:
            pipe.set(key, trade.id, ex=TRADE_TTL_S)
        try:
            await pipe.execute()
        except WatchError:  # one of them started a trade at the same moment
            raise TradeNotAllowed("busy") from None
    return trade


async def current(user_id: int) -> TradeState | None:
    trade_id = await redis().get(trading_key(user_id))
    raw = await redis().get(trade_key(trade_id)) if trade_id else None
    return TradeState.from_json(raw) if raw else None


async def change(user_id: int, rule: Callable[[TradeState], TradeState]) -> TradeState:
    """Apply `rule` to the player's trade atomically (retried if the trade
    changed meanwhile); raises TradeNotAllowed."""
    trade_id = await redis().get(trading_key(user_id))
    if not trade_id:
        raise TradeNotAllowed("no_trade")
    key = trade_key(trade_id)
    while True:
        async with redis().pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            raw = await pipe.get(key)
            if raw is None:
                raise TradeNotAllowed("no_trade")
            changed = rule(TradeState.from_json(raw))
            ttl = CLOSING_TTL_S if changed.stage == "closing" else TRADE_TTL_S
            pipe.multi()
            pipe.set(key, changed.to_json(), ex=ttl)
            for user in changed.users:
                pipe.set(trading_key(user), changed.id, ex=ttl)
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
    """trade.agreed for a closing trade whose pieces are all still their
    givers' (else PiecesGone), with the id made from the swap's; raises
    EventBusUnavailable."""
    if gone := await _gone_pieces(trade):
        raise PiecesGone(gone)
    agreed = trade.agreed()
    envelope = agreed.envelope(actor=actor, id=uuid.uuid5(SWAP_IDS, trade.swap))
    await apublish_envelope(agreed.TOPIC.full_name, envelope)


@database_sync_to_async
def _gone_pieces(trade: TradeState) -> set[int]:
    """The pieces of either side no longer in their giver's inventory (traded
    or placed since they were offered)."""
    gone = set()
    for giver, side in zip(trade.users, trade.offers):
        ids = {p["id"] for p in side}
        gone |= ids - set(Furni.objects.filter(pk__in=ids, owner_id=giver, room__isnull=True).values_list("pk", flat=True))
    return gone


@database_sync_to_async
def offered_pieces(user_id: int, furni_ids: list[int]) -> list[dict]:
    """The pieces as the trade shows them, each the player's and in their
    inventory (not placed), in the order given; raises TradeNotAllowed."""
    if len(set(furni_ids)) != len(furni_ids):
        raise TradeNotAllowed("not_yours")
    found = Furni.objects.filter(pk__in=furni_ids, owner_id=user_id, room__isnull=True).select_related("item", "limited")
    pieces = {f.pk: f for f in found}
    if len(pieces) != len(furni_ids):
        raise TradeNotAllowed("not_yours")
    return [
        TradePiece(id=f.pk, name=f.item.name, limited=limited_number(f), item=item_view(f.item)).model_dump(mode="json")
        for f in (pieces[i] for i in furni_ids)
    ]


def closed_frame(trade: TradeState, reason: str, message: str) -> TradeClosed:
    return TradeClosed(trade=trade.id, reason=reason, message=message)
