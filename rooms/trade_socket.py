"""The trade messages of a room socket: thin, the rules are rooms.trading's.
Both traders see every change at once: the frame goes to this socket and,
through the channel layer, to the other player's room socket."""

import logging

from habbo.bus.producer import EventBusUnavailable
from habbo.restrictions import restricted_until
from rooms import frames, trading
from rooms.presence import room_event
from rooms.protocol import TradeAccept, TradeCancel, TradeConfirm, TradeOffer, TradeOpen
from rooms.trading import PiecesGone, TradeNotAllowed, TradeState, Trader

log = logging.getLogger(__name__)


class TradingSocket:
    """Mixed into rooms.consumers.RoomConsumer (self.user, self.room, self.live)."""

    async def _trade_open(self, message: TradeOpen):
        other = await self.live.get(message.user)
        if other is None or other.id == self.user.pk:
            raise TradeNotAllowed("not_here")
        if await restricted_until("trade_lock", self.user.pk):
            raise TradeNotAllowed("trade_locked")
        if await restricted_until("trade_lock", other.id):
            raise TradeNotAllowed("partner_locked")
        me = Trader(self.user.pk, self.user.username, self.channel_name)
        trade = await trading.open_trade(self.room.id, me, Trader(other.id, other.name, other.channel))
        await self._to_traders(trade, trade.frame())

    async def _trade_offer(self, message: TradeOffer):
        me = self.user.pk
        pieces = await trading.offered_pieces(me, message.furni)
        trade = await trading.change(me, lambda t: t.offer(me, pieces))
        await self._to_traders(trade, trade.frame())

    async def _trade_accept(self, message: TradeAccept):
        me, seen = self.user.pk, (message.trade, message.revision)
        trade = await trading.change(me, lambda t: t.accept(me, message.accepted, seen=seen))
        await self._to_traders(trade, trade.frame())

    async def _trade_confirm(self, message: TradeConfirm):
        if await restricted_until("trade_lock", self.user.pk):  # locked while the trade was open
            raise TradeNotAllowed("trade_locked")
        me, seen = self.user.pk, (message.trade, message.revision)
        trade = await trading.change(me, lambda t: t.confirm(me, seen=seen))
        if trade.stage != "closing":
            return await self._to_traders(trade, trade.frame())
        try:
            await trading.publish_swap(trade, actor=me)
        except Exception as exc:
            return await self._swap_failed(trade, exc)
        await trading.close(trade)
        await self._to_traders(trade, trading.closed_frame(trade, "completing", "Both confirmed: the swap is on its way."))

    async def _swap_failed(self, trade: TradeState, exc: Exception):
        """Whatever stopped the swap, the trade goes back to its first step
        (without the pieces that are gone) rather than stay closing; both
        players are told why."""
        gone = frozenset(exc.gone) if isinstance(exc, PiecesGone) else frozenset()
        reopened = await trading.change(self.user.pk, lambda t: t.reopened(trade.swap, gone))
        await self._to_traders(reopened, reopened.frame())
        if isinstance(exc, TradeNotAllowed):
            refused = exc
        elif isinstance(exc, EventBusUnavailable):
            refused = TradeNotAllowed("unavailable")
        else:
            log.error("trade %s: the swap failed", trade.id, exc_info=exc)
            refused = TradeNotAllowed("unavailable")
        await self._to_traders(reopened, frames.Error(code=refused.code, message=refused.message))

    async def _trade_cancel(self, message: TradeCancel):
        trade = await trading.current(self.user.pk)
        if trade is None:
            raise TradeNotAllowed("no_trade")
        if not await trading.close(trade, unless_closing=True):
            raise TradeNotAllowed("wrong_stage")
        await self._to_traders(trade, trading.closed_frame(trade, "cancelled", f"{self.user.username} cancelled the trade."))

    async def _leave_trade(self):
        """Leaving the room (or being replaced) cancels an open trade this
        socket is in; one both confirmed goes on (its swap is published)."""
        trade = await trading.current(self.user.pk)
        if trade is not None and self.channel_name in trade.channels and await trading.close(trade, unless_closing=True):
            left = trading.closed_frame(trade, "left", f"{self.user.username} left the room; the trade is off.")
            await self._to_traders(trade, left, me_too=False)

    async def _to_traders(self, trade: TradeState, frame: frames.Frame, *, me_too: bool = True):
        for channel in trade.channels:
            if channel == self.channel_name:
                if me_too:
                    await self.send_frame_now(frame)
            else:
                await self.channel_layer.send(channel, room_event(frame))
